/* TCP option parsing and building, in the layout Linux uses (NOP padding). */
#include "net/tcp_opts.h"

#include <string.h>

#include "net/hdr.h"

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

bool tcp_opts_parse(const uint8_t *p, unsigned len, struct tcp_opts *o)
{
    memset(o, 0, sizeof *o);
    o->wscale = -1;
    unsigned i = 0;
    while (i < len) {
        uint8_t kind = p[i];
        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= len)
            return false;
        uint8_t olen = p[i + 1];
        if (olen < 2 || i + olen > len)
            return false;
        const uint8_t *v = p + i + 2;
        switch (kind) {
        case TCPOPT_MSS:
            if (olen != 4)
                return false;
            o->mss = (uint16_t)(v[0] << 8 | v[1]);
            break;
        case TCPOPT_WSCALE:
            if (olen != 3)
                return false;
            o->wscale = (int8_t)(v[0] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : v[0]);
            break;
        case TCPOPT_SACK_PERM:
            if (olen != 2)
                return false;
            o->sack_ok = true;
            break;
        case TCPOPT_TIMESTAMP:
            if (olen != 10)
                return false;
            o->ts = true;
            o->tsval = get32(v);
            o->tsecr = get32(v + 4);
            break;
        case TCPOPT_SACK:
            if ((olen - 2) % 8 != 0)
                return false;
            for (unsigned k = 0; k < (olen - 2u) / 8 && o->nsack < TCP_MAX_SACK_BLOCKS; k++) {
                o->sack[o->nsack].start = get32(v + 8 * k);
                o->sack[o->nsack].end = get32(v + 8 * k + 4);
                o->nsack++;
            }
            break;
        case TCPOPT_TOA:
            if (olen != TCPOLEN_TOA)
                return false;
            o->toa = true;
            o->toa_port = (uint16_t)(v[0] << 8 | v[1]);
            o->toa_addr = get32(v + 2);
            break;
        default:
            break;         /* unknown options are skipped */
        }
        i += olen;
    }
    return true;
}

unsigned tcp_opts_build(uint8_t *out, const struct tcp_opts *o)
{
    unsigned n = 0;
    if (o->mss) {
        out[n++] = TCPOPT_MSS;
        out[n++] = 4;
        out[n++] = (uint8_t)(o->mss >> 8);
        out[n++] = (uint8_t)o->mss;
    }
    if (o->sack_ok && o->ts) {
        out[n++] = TCPOPT_SACK_PERM;
        out[n++] = 2;
    } else if (o->sack_ok) {
        out[n++] = TCPOPT_NOP;
        out[n++] = TCPOPT_NOP;
        out[n++] = TCPOPT_SACK_PERM;
        out[n++] = 2;
    } else if (o->ts) {
        out[n++] = TCPOPT_NOP;
        out[n++] = TCPOPT_NOP;
    }
    if (o->ts) {
        out[n++] = TCPOPT_TIMESTAMP;
        out[n++] = 10;
        put32(out + n, o->tsval);
        put32(out + n + 4, o->tsecr);
        n += 8;
    }
    if (o->wscale >= 0) {
        out[n++] = TCPOPT_NOP;
        out[n++] = TCPOPT_WSCALE;
        out[n++] = 3;
        out[n++] = (uint8_t)o->wscale;
    }
    if (o->nsack) {
        unsigned room = (TCP_MAX_OPT_LEN - n - 4) / 8;
        unsigned k = o->nsack < room ? o->nsack : room;
        if (k) {
            out[n++] = TCPOPT_NOP;
            out[n++] = TCPOPT_NOP;
            out[n++] = TCPOPT_SACK;
            out[n++] = (uint8_t)(2 + 8 * k);
            for (unsigned i = 0; i < k; i++) {
                put32(out + n, o->sack[i].start);
                put32(out + n + 4, o->sack[i].end);
                n += 8;
            }
        }
    }
    return n;
}
