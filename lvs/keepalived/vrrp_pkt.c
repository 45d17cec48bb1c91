/*
 * The VRRP advertisement format. v2 (RFC 3768 §5.3): version and type,
 * VRID, priority, address count, auth type, advert interval in seconds,
 * checksum over the VRRP message, the addresses, 8 bytes of
 * authentication data. v3 (RFC 5798 §5.2): the same first four bytes, 4
 * reserved bits and a 12-bit maximum advert interval in centiseconds, a
 * checksum that includes the IPv4 pseudo-header, the addresses and nothing
 * after them.
 */
#include "lvs/keepalived/vrrp_pkt.h"

#include <arpa/inet.h>
#include <string.h>

#include "net/csum.h"

size_t vrrp_pkt_len(unsigned version, unsigned naddr)
{
    return VRRP_HDR_LEN + 4u * naddr + (version == 2 ? VRRP_AUTH_LEN : 0);
}

static uint16_t vrrp_csum(const uint8_t *buf, size_t len, unsigned version, uint32_t saddr, uint32_t daddr)
{
    uint32_t sum = version == 3 ? csum_pseudo(htonl(saddr), htonl(daddr), VRRP_PROTO, (uint16_t)len) : 0;
    return csum_fold(csum_partial(buf, len, sum));
}

size_t vrrp_pkt_write(uint8_t *buf, const struct vrrp_advert *a, uint32_t saddr, uint32_t daddr)
{
    size_t len = vrrp_pkt_len(a->version, a->naddr);
    memset(buf, 0, len);
    buf[0] = (uint8_t)(a->version << 4 | VRRP_TYPE_ADVERT);
    buf[1] = a->vrid;
    buf[2] = a->priority;
    buf[3] = a->naddr;
    if (a->version == 2) {
        buf[4] = a->auth_type;
        buf[5] = (uint8_t)a->adver_int;
    } else {
        buf[4] = (uint8_t)(a->adver_int >> 8 & 0x0f);
        buf[5] = (uint8_t)a->adver_int;
    }
    for (unsigned i = 0; i < a->naddr; i++) {
        uint32_t be = htonl(a->addrs[i]);
        memcpy(buf + VRRP_HDR_LEN + 4 * i, &be, 4);
    }
    if (a->version == 2)
        memcpy(buf + VRRP_HDR_LEN + 4u * a->naddr, a->auth_data, VRRP_AUTH_LEN);
    uint16_t c = vrrp_csum(buf, len, a->version, saddr, daddr);
    memcpy(buf + 6, &c, 2);
    return len;
}

enum vrrp_pkt_error vrrp_pkt_parse(const uint8_t *buf, size_t len, uint32_t saddr, uint32_t daddr,
                                   struct vrrp_advert *out)
{
    if (len < VRRP_HDR_LEN)
        return VRRP_PKT_SHORT;
    unsigned version = buf[0] >> 4;
    if (version != 2 && version != 3)
        return VRRP_PKT_VERSION;
    if ((buf[0] & 0x0f) != VRRP_TYPE_ADVERT)
        return VRRP_PKT_TYPE;
    if (buf[3] > VRRP_MAX_VIPS)
        return VRRP_PKT_TOO_MANY_ADDRS;
    if (len != vrrp_pkt_len(version, buf[3]))
        return VRRP_PKT_LENGTH;
    if (vrrp_csum(buf, len, version, saddr, daddr) != 0)
        return VRRP_PKT_CHECKSUM;
    if (version == 2 && buf[4] != VRRP_AUTH_NONE && buf[4] != VRRP_AUTH_PASS)
        return VRRP_PKT_AUTH_TYPE;
    memset(out, 0, sizeof *out);
    out->version = (uint8_t)version;
    out->vrid = buf[1];
    out->priority = buf[2];
    out->naddr = buf[3];
    if (version == 2) {
        out->auth_type = buf[4];
        out->adver_int = buf[5];
        memcpy(out->auth_data, buf + VRRP_HDR_LEN + 4u * out->naddr, VRRP_AUTH_LEN);
    } else {
        out->adver_int = (uint16_t)((buf[4] & 0x0f) << 8 | buf[5]);
    }
    for (unsigned i = 0; i < out->naddr; i++) {
        uint32_t be;
        memcpy(&be, buf + VRRP_HDR_LEN + 4 * i, 4);
        out->addrs[i] = ntohl(be);
    }
    return VRRP_PKT_OK;
}
