/* Inserting the TOA option into a client's segment. */
#include "lvs/toa.h"

#include <string.h>

#include "net/csum.h"
#include "net/hdr.h"
#include "net/ipv4.h"
#include "net/pkt.h"

#define TCP_MAX_HLEN 60

int ipvs_toa_insert(struct pkt *p, uint32_t caddr, uint16_t cport, uint32_t mtu)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    unsigned ihl = ipv4_hdr_len(ip);
    struct tcp_hdr *th = (struct tcp_hdr *)(p->data + ihl);
    if (!(th->flags & TCP_ACK) || (th->flags & (TCP_SYN | TCP_RST)))
        return 0;
    unsigned hl = tcp_hdr_len(th);
    unsigned tot = ntohs(ip->tot_len);
    if (hl + TCPOLEN_TOA > TCP_MAX_HLEN || tot + TCPOLEN_TOA > mtu || !pkt_put(p, TCPOLEN_TOA))
        return -1;
    uint8_t *opt = (uint8_t *)th + hl;
    unsigned payload = tot - ihl - hl;
    memmove(opt + TCPOLEN_TOA, opt, payload);
    uint16_t port_be = htons(cport);
    uint32_t addr_be = htonl(caddr);
    opt[0] = TCPOPT_TOA;
    opt[1] = TCPOLEN_TOA;
    memcpy(opt + 2, &port_be, 2);
    memcpy(opt + 4, &addr_be, 4);
    th->doff = (uint8_t)(((hl + TCPOLEN_TOA) / 4) << 4 | (th->doff & 0x0f));
    ip->tot_len = htons((uint16_t)(tot + TCPOLEN_TOA));
    ipv4_set_checksum((uint8_t *)ip);
    unsigned tcp_len = tot + TCPOLEN_TOA - ihl;
    th->check = 0;
    th->check = csum_fold(csum_partial(th, tcp_len, csum_pseudo(ip->saddr, ip->daddr, IPPROTO_TCP,
                                                                (uint16_t)tcp_len)));
    p->off.csum_partial = false;      /* whole now, whatever it was */
    return payload ? 1 : 2;
}
