/* Interfaces: addresses (with their connected routes) and the input seam. */
#include "net/netif.h"

#include "net/eth.h"
#include "net/host.h"
#include "net/route.h"

static void input(struct netif *nif, struct pkt *frame)
{
    /* the bytes counted in each branch: next to the packets, the two
     * counters were added as one vector, in twice the instructions */
    uint32_t len = frame->len;
    nif->stats.rx_packets++;
    if (!(nif->flags & NETIF_UP)) {
        nif->stats.rx_bytes += len;
        nif->stats.rx_dropped++;
        host_drop(nif->host, frame, DROP_IF_DOWN);
        return;
    }
    nif->stats.rx_bytes += len;
    eth_input(nif, frame);
}

void netif_input(struct netif *nif, struct pkt *frame)
{
    frame->hint = 0;
    input(nif, frame);
}

void netif_input_burst(struct netif *nif, struct pkt **frames, unsigned n)
{
    const struct host_prefetch *pf = &nif->host->prefetch;
    if (!pf->fn) {
        for (unsigned i = 0; i < n; i++)
            netif_input(nif, frames[i]);
        return;
    }
    for (unsigned first = 0; first < n; first += HOST_BURST_MAX) {
        unsigned count = n - first < HOST_BURST_MAX ? n - first : HOST_BURST_MAX;
        pf->fn(pf->ctx, frames + first, count);
        for (unsigned i = first; i < first + count; i++)
            input(nif, frames[i]);
    }
}

bool netif_has_addr(const struct netif *nif, uint32_t addr)
{
    for (int i = 0; i < nif->naddrs; i++)
        if (nif->addrs[i].addr == addr)
            return true;
    return false;
}

bool netif_add_addr(struct netif *nif, uint32_t addr, uint8_t prefix_len)
{
    if (nif->naddrs == NETIF_MAX_ADDRS || netif_has_addr(nif, addr) || prefix_len > 32)
        return false;
    nif->addrs[nif->naddrs++] = (struct netif_addr){ .addr = addr, .prefix_len = prefix_len };
    if (nif->host)
        host_add_local(nif->host, addr);
    /* the connected route, unless this subnet is already routed here (a /32 VIP adds none) */
    if (nif->host && prefix_len < 32 && !(nif->flags & NETIF_LOOPBACK)) {
        const struct route *r = route_lookup(nif->host, addr);
        if (!r || r->dev != nif || r->prefix_len != prefix_len || r->gateway)
            route_add(nif->host, addr, prefix_len, 0, nif);
    }
    return true;
}

bool netif_del_addr(struct netif *nif, uint32_t addr)
{
    for (int i = 0; i < nif->naddrs; i++)
        if (nif->addrs[i].addr == addr) {
            uint8_t len = nif->addrs[i].prefix_len;
            nif->addrs[i] = nif->addrs[--nif->naddrs];
            if (nif->host)
                host_forget_local(nif->host, addr);
            bool still = false;
            for (int k = 0; k < nif->naddrs; k++)
                still |= nif->addrs[k].prefix_len == len &&
                         ((nif->addrs[k].addr ^ addr) & route_mask(len)) == 0;
            if (nif->host && len < 32 && !still)
                route_del(nif->host, addr, len, nif);
            return true;
        }
    return false;
}
