/* Inserting the TOA option into a client's segment. */
#include "lvs/toa.h"

#include <string.h>

#include "net/csum.h"
#include "net/hdr.h"
#include "net/ipv4.h"
#include "net/pkt.h"

#define TCP_MAX_HLEN 60

static inline uint32_t word_at(const uint8_t *p)
{
    uint16_t w;
    memcpy(&w, p, 2);
    return w;
}

bool ipvs_toa_insert(struct pkt *p, uint32_t caddr, uint16_t cport, uint32_t mtu)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    unsigned ihl = ipv4_hdr_len(ip);
    struct tcp_hdr *th = (struct tcp_hdr *)(p->data + ihl);
    unsigned hl = tcp_hdr_len(th);
    unsigned tot = ntohs(ip->tot_len);
    if (hl + TCPOLEN_TOA > TCP_MAX_HLEN || tot + TCPOLEN_TOA > mtu || tot < ihl + TCP_HLEN ||
        !pkt_put(p, TCPOLEN_TOA))
        return false;
    uint8_t *opt = (uint8_t *)(th + 1);
    memmove(opt + TCPOLEN_TOA, opt, tot - ihl - TCP_HLEN);
    uint16_t port_be = htons(cport);
    uint32_t addr_be = htonl(caddr);
    opt[0] = TCPOPT_TOA;
    opt[1] = TCPOLEN_TOA;
    memcpy(opt + 2, &port_be, 2);
    memcpy(opt + 4, &addr_be, 4);
    /* the word of data offset and flags, at byte 12 */
    uint8_t *doff_word = (uint8_t *)th + 12;
    uint32_t old_doff = word_at(doff_word);
    th->doff = (uint8_t)(((hl + TCPOLEN_TOA) / 4) << 4 | (th->doff & 0x0f));
    uint16_t old_tot = ip->tot_len, new_tot = htons((uint16_t)(tot + TCPOLEN_TOA));
    ip->tot_len = new_tot;
    ip->check = csum_apply(ip->check, csum_delta2(old_tot, new_tot));
    /* the pseudo-header's TCP length grows by the option too */
    unsigned tcp_len = tot - ihl;
    uint32_t len_delta = csum_delta2(htons((uint16_t)tcp_len), htons((uint16_t)(tcp_len + TCPOLEN_TOA)));
    if (p->off.csum_partial) {
        /* the device sums the segment; the field holds the pseudo-header */
        th->check = (uint16_t)~csum_apply((uint16_t)~th->check, len_delta);
        return true;
    }
    uint32_t delta = len_delta + csum_delta2((uint16_t)old_doff, (uint16_t)word_at(doff_word)) +
                     word_at(opt) + word_at(opt + 2) + word_at(opt + 4) + word_at(opt + 6);
    th->check = csum_apply(th->check, delta);
    return true;
}
