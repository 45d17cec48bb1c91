/*
 * Connection sync messages, version 1, as ip_vs_sync.c lays them out: an
 * 8-byte header (reserved 0, syncid, size, count, version 1, spare 0), then
 * 4-byte aligned entries: type (0: IPv4), protocol, version and size in
 * 16 bits, flags, state, client, virtual and dest ports, fwmark, timeout in
 * seconds, the three addresses, and optional parameters (type, length,
 * data). Parsing follows ip_vs_process_message and ip_vs_proc_sync_conn:
 * the same checks, the same choice between skipping an entry and dropping
 * the rest of the message.
 */
#include "lvs/sync.h"

#include <arpa/inet.h>
#include <string.h>

#include "lvs/proto_tcp.h"

#define STYPE_F_INET6 1u
#define SVER_SHIFT 12
#define SVER_MASK 0x0fffu
#define OPT_SEQ_DATA 1
#define OPT_PE_DATA 2
#define OPT_PE_NAME 3
#define OPT_F_PARAM 0x40u               /* 1 << (IPVS_OPT_PARAM - 1): an optional parameter */
#define SEQ_OPTIONS_LEN 24              /* struct ip_vs_sync_conn_options */
#define PEDATA_MAXLEN 255
#define PENAME_MAXLEN 16
#define UDP_STATES 1                    /* IP_VS_UDP_S_LAST */

static void put16(uint8_t *p, uint16_t v) { v = htons(v); memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { v = htonl(v); memcpy(p, &v, 4); }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return ntohs(v); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return ntohl(v); }

size_t ipvs_sync_msg_init(uint8_t *buf, uint8_t syncid)
{
    memset(buf, 0, IPVS_SYNC_MESG_HLEN);
    buf[1] = syncid;
    put16(buf + 2, IPVS_SYNC_MESG_HLEN);
    buf[5] = IPVS_SYNC_VERSION;
    return IPVS_SYNC_MESG_HLEN;
}

size_t ipvs_sync_msg_add(uint8_t *buf, size_t len, size_t maxlen, const struct ipvs_sync_entry *e)
{
    size_t pad = (4 - len) & 3;
    if (len + pad + IPVS_SYNC_CONN_V4_LEN > maxlen || buf[4] == 255)
        return 0;
    uint8_t *s = buf + len + pad;
    memset(buf + len, 0, pad + IPVS_SYNC_CONN_V4_LEN);
    s[0] = 0;                                   /* type: IPv4 */
    s[1] = e->protocol;
    put16(s + 2, IPVS_SYNC_CONN_V4_LEN & SVER_MASK);   /* version 0 of the entry, its size */
    put32(s + 4, e->flags);
    put16(s + 8, e->state);
    put16(s + 10, e->cport);
    put16(s + 12, e->vport);
    put16(s + 14, e->dport);
    put32(s + 16, e->fwmark);
    put32(s + 20, e->timeout_s);
    put32(s + 24, e->caddr);
    put32(s + 28, e->vaddr);
    put32(s + 32, e->daddr);
    len += pad + IPVS_SYNC_CONN_V4_LEN;
    buf[4]++;
    put16(buf + 2, (uint16_t)len);
    return len;
}

enum entry_verdict { ENTRY_OK, ENTRY_SKIP, ENTRY_ABORT };

/* The optional parameters of one entry, [p, end). */
static enum entry_verdict parse_options(const uint8_t *p, const uint8_t *end, enum ipvs_sync_drop *why)
{
    unsigned seen = 0;
    bool pe_data = false;
    while (p < end) {
        if (p + 2 > end || !p[1] || p + 2 + p[1] > end) {
            *why = IPVS_SYNC_DROP_BOGUS_CONN;
            return ENTRY_ABORT;
        }
        unsigned type = p[0] & ~OPT_F_PARAM, plen = p[1];
        unsigned maxlen = type == OPT_SEQ_DATA ? SEQ_OPTIONS_LEN : type == OPT_PE_DATA ? PEDATA_MAXLEN
                                                                                        : PENAME_MAXLEN;
        if (type == OPT_SEQ_DATA || type == OPT_PE_DATA || type == OPT_PE_NAME) {
            if ((type == OPT_SEQ_DATA ? plen != maxlen : plen > maxlen) || (seen & 1u << type)) {
                *why = IPVS_SYNC_DROP_BOGUS_CONN;
                return ENTRY_ABORT;
            }
            seen |= 1u << type;
            pe_data |= type == OPT_PE_DATA;
        } else if (!(p[0] & OPT_F_PARAM)) {
            *why = IPVS_SYNC_DROP_OPTION;      /* an unknown mandatory parameter */
            return ENTRY_SKIP;
        }
        p += 2 + plen;
    }
    if (pe_data) {
        *why = IPVS_SYNC_DROP_OPTION;          /* persistence engines are not modelled */
        return ENTRY_SKIP;
    }
    return ENTRY_OK;
}

static enum entry_verdict parse_entry(const uint8_t *s, const uint8_t *end, struct ipvs_sync_entry *e,
                                      enum ipvs_sync_drop *why)
{
    if (s[0] & STYPE_F_INET6) {
        *why = IPVS_SYNC_DROP_IPV6;
        return ENTRY_SKIP;
    }
    if (s[0] || s + IPVS_SYNC_CONN_V4_LEN > end) {
        *why = IPVS_SYNC_DROP_BOGUS_CONN;
        return ENTRY_ABORT;
    }
    enum entry_verdict v = parse_options(s + IPVS_SYNC_CONN_V4_LEN, end, why);
    if (v != ENTRY_OK)
        return v;
    *e = (struct ipvs_sync_entry){
        .protocol = s[1], .flags = (get32(s + 4) & IPVS_SYNC_F_BACKUP_MASK) | IPVS_SYNC_F_SYNC,
        .state = get16(s + 8), .cport = get16(s + 10), .vport = get16(s + 12), .dport = get16(s + 14),
        .fwmark = get32(s + 16), .timeout_s = get32(s + 20),
        .caddr = get32(s + 24), .vaddr = get32(s + 28), .daddr = get32(s + 32),
    };
    if (!(e->flags & IPVS_SYNC_F_TEMPLATE)) {
        if (e->protocol != IPPROTO_TCP && e->protocol != IPPROTO_UDP) {
            *why = IPVS_SYNC_DROP_PROTOCOL;
            return ENTRY_SKIP;
        }
        if (e->state >= (e->protocol == IPPROTO_TCP ? IPVS_TCP_STATES : UDP_STATES)) {
            *why = IPVS_SYNC_DROP_STATE;
            return ENTRY_SKIP;
        }
    }
    return ENTRY_OK;
}

void ipvs_sync_msg_parse(const uint8_t *buf, size_t len, uint8_t syncid, uint64_t drops[IPVS_SYNC_DROP_REASONS],
                         void (*fn)(void *ctx, const struct ipvs_sync_entry *e), void *ctx)
{
    if (len < IPVS_SYNC_MESG_HLEN) {
        drops[IPVS_SYNC_DROP_SHORT]++;
        return;
    }
    if (get16(buf + 2) != len) {
        drops[IPVS_SYNC_DROP_SIZE]++;
        return;
    }
    if (syncid && buf[1] != syncid) {
        drops[IPVS_SYNC_DROP_SYNCID]++;
        return;
    }
    if (buf[5] != IPVS_SYNC_VERSION || buf[0] || get16(buf + 6)) {
        drops[IPVS_SYNC_DROP_VERSION]++;      /* version 0 messages are not read here */
        return;
    }
    const uint8_t *end = buf + len, *next = buf + IPVS_SYNC_MESG_HLEN;
    for (unsigned i = 0; i < buf[4]; i++) {
        const uint8_t *s = next;
        if (s + IPVS_SYNC_CONN_V4_LEN > end) {
            drops[IPVS_SYNC_DROP_BOGUS_CONN]++;
            return;
        }
        unsigned size = get16(s + 2) & SVER_MASK;
        if (s + size > end) {
            drops[IPVS_SYNC_DROP_BOGUS_CONN]++;
            return;
        }
        if (get16(s + 2) >> SVER_SHIFT) {
            drops[IPVS_SYNC_DROP_VERSION]++;
            return;
        }
        struct ipvs_sync_entry e;
        enum ipvs_sync_drop why = IPVS_SYNC_DROP_REASONS;
        enum entry_verdict v = parse_entry(s, s + size, &e, &why);
        if (v == ENTRY_ABORT) {
            drops[why]++;
            return;
        }
        if (v == ENTRY_SKIP)
            drops[why]++;
        else
            fn(ctx, &e);
        next = s + ((size + 3) & ~3u);
    }
}
