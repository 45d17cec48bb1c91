/* IP-in-IP decapsulation on the tunnel interface, and encapsulation. */
#include "net/ipip.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipv4.h"

struct ipip_state {
    struct netif *tunnel;
};

static void tunnel_xmit(struct netif *nif, struct pkt *frame)
{
    nif->stats.tx_dropped++;   /* nothing routes out of a decapsulation-only tunnel */
    pkt_free(frame);
}

static void ipip_input(void *ctx, struct host *h, struct pkt *p)
{
    struct ipip_state *st = ctx;
    if (!st->tunnel || !(st->tunnel->flags & NETIF_UP)) {
        pkt_push(p, (uint32_t)(p->data - pkt_l3(p)));
        icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
        host_drop(h, p, DROP_IP_NO_PROTO);
        return;
    }
    if (p->len < IPV4_HLEN || (p->data[0] >> 4) != 4) {
        host_drop(h, p, DROP_IPIP_BAD);
        return;
    }
    host_work_add(h, WORK_IPIP_DECAP, 1);
    st->tunnel->stats.rx_packets++;
    st->tunnel->stats.rx_bytes += p->len;
    ipv4_input(h, st->tunnel, p);
}

void ipip_init(struct host *h)
{
    h->ipip = xcalloc(1, sizeof *h->ipip);
    host_set_proto(h, 4, ipip_input, NULL, h->ipip);
}

void ipip_free(struct host *h)
{
    free(h->ipip);
    h->ipip = NULL;
}

struct netif *ipip_add_tunnel(struct host *h, const char *name)
{
    static const uint8_t no_mac[6];
    if (h->ipip->tunnel)
        return NULL;
    struct netif *nif = host_add_netif(h, name, no_mac, tunnel_xmit, NULL);
    nif->flags |= NETIF_TUNNEL | NETIF_NOARP;
    nif->mtu = 1480;
    h->ipip->tunnel = nif;
    return nif;
}

int ipip_encap(struct host *h, struct pkt *p, uint32_t outer_src, uint32_t outer_dst)
{
    const struct ipv4_hdr *inner = (const struct ipv4_hdr *)p->data;
    uint8_t tos = inner->tos;
    uint16_t df = inner->frag_off & htons(IPV4_DF);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)pkt_push(p, IPV4_HLEN);
    if (!ip)
        return -1;
    ip->ver_ihl = 0x45;
    ip->tos = tos;
    ip->tot_len = htons((uint16_t)p->len);
    ip->id = htons(ip_ident_select(h->ip_ident, rt_now(h->rt), outer_src, outer_dst, 4, df != 0, NULL, 0));
    ip->frag_off = df;
    ip->ttl = IPV4_DEFAULT_TTL;
    ip->proto = 4;
    ip->saddr = htonl(outer_src);
    ip->daddr = htonl(outer_dst);
    ipv4_set_checksum(p->data);
    pkt_set_l3(p);
    return 0;
}
