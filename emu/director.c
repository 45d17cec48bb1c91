/* The emulated director: a scenario director's host on TAP devices or
 * existing interfaces. */
#include "emu/director.h"

#include <stdio.h>
#include <string.h>

#include "emu/world.h"
#include "lvs/director.h"
#include "lvs/director_counters.h"
#include "lvs/ipvsadm.h"
#include "net/hdr.h"
#include "net/host.h"
#include "net/sw_offload.h"
#include "scenario/pcap.h"
#include "scenario/apply.h"

/* Full frames, stamped with the wall clock (a real capture's timestamps).
 * A frame with offload work left is written as the wire carries it once
 * that is done: a GSO frame as its segments, a partial checksum completed. */
static void capture(void *ctx, const struct pkt *frame, int inbound)
{
    struct emu_director_capture *c = ctx;
    enum scn_pcap_dir dir = inbound ? SCN_PCAP_IN : SCN_PCAP_OUT;
    sim_time_t now = (sim_time_t)(ev_time() * 1e9);
    if (!pkt_has_offload(frame)) {
        scn_pcap_write(c->pcap, frame, now, dir);
        return;
    }
    struct pkt_queue wire = { 0 };
    struct pkt *copy = NULL;
    if (pkt_is_gso(frame) ? sw_gso_segment(frame, ETH_HLEN, &wire) < 0 : !(copy = pkt_clone(frame))) {
        fprintf(stderr, "lvslab: a frame of %u bytes with offloads could not be finished for the capture\n",
                frame->len);
        return;
    }
    if (copy) {
        sw_csum_complete(copy);
        pkt_queue_push(&wire, copy);
    }
    for (const struct pkt *p = wire.first; p; p = p->next)
        scn_pcap_write(c->pcap, p, now, dir);
    pkt_queue_purge(&wire);
}

/* The netif of the director's interface i, with a MAC made from the tag
 * and its place: the same on a TAP or an existing interface. */
static struct netif *add_netif(struct emu_director *d, const struct scn_node *node, int index, int i,
                               uint32_t mtu, const struct emu_director_opts *o)
{
    unsigned h = 0;
    for (const char *c = o->tag; *c; c++)
        h = h * 31 + (unsigned char)*c;
    const uint8_t mac[6] = { 0x02, 0x4c, 0x56, (uint8_t)h, (uint8_t)index, (uint8_t)i };
    struct netif *nif = host_add_netif(d->host, node->ifs[i].name, mac, NULL, NULL);
    nif->mtu = mtu;
    return nif;
}

/* The capture of interface i: its file opened, the hook's context
 * returned (NULL with err set when the file cannot be opened). */
static struct emu_director_capture *open_capture(struct emu_director *d, struct ev_loop *loop,
                                                 const struct scn_node *node, int i,
                                                 const struct emu_director_opts *o, char *err, size_t errlen)
{
    char path[512], name[80];
    snprintf(path, sizeof path, "%s/%s-%s.pcap", o->pcap_dir, node->name, node->ifs[i].name);
    snprintf(name, sizeof name, "%s-%s", node->name, node->ifs[i].name);
    struct emu_director_capture *c = &d->caps[i];
    c->loop = loop;
    const struct scn_pcap_opts po = { .if_name = name, .comment = "lvslab emulated director" };
    c->pcap = scn_pcap_open(path, &po);
    if (!c->pcap)
        snprintf(err, errlen, "%s: cannot open the capture file", path);
    return c->pcap ? c : NULL;
}

/* A TAP for the director's interface i (on link l), joined to its bridge,
 * as the netif of that interface. */
static struct netif *open_tap(struct emu_director *d, struct ev_loop *loop, const struct scn_topo *t,
                              int index, int i, const struct emu_director_opts *o, char *err, size_t errlen)
{
    const struct scn_node *node = &t->nodes[t->directors[index].node];
    int l = node->ifs[i].link;
    char tapname[16], bridge[16];
    emu_world_director_port(o->tag, t, l, o->shaped, tapname, bridge);
    struct emu_tap *tap = &d->taps[d->ntaps];
    if (emu_tap_open(tap, tapname, err, errlen) < 0)
        return NULL;
    d->ntaps++;
    uint32_t mtu = t->links[l].mtu ? t->links[l].mtu : 1500;
    if (emu_tap_up(tap, mtu, bridge, err, errlen) < 0)
        return NULL;
    struct netif *nif = add_netif(d, node, index, i, mtu, o);
    emu_tap_bind(tap, loop, nif);
    if (o->pcap_dir) {
        if (!(tap->capture_ctx = open_capture(d, loop, node, i, o, err, errlen)))
            return NULL;
        tap->capture = capture;
    }
    return nif;
}

/* The existing interface `device` for the director's interface i (on link
 * l), read and written through libpcap, as the netif of that interface. Its
 * MTU must be the link's. */
static struct netif *open_device(struct emu_director *d, struct ev_loop *loop, const struct scn_topo *t,
                                 int index, int i, const char *device, const struct emu_director_opts *o,
                                 char *err, size_t errlen)
{
    const struct scn_node *node = &t->nodes[t->directors[index].node];
    int l = node->ifs[i].link;
    struct emu_pcap_dev *dev = &d->devs[d->ndevs];
    if (emu_pcap_dev_open(dev, device, err, errlen) < 0)
        return NULL;
    d->ndevs++;
    uint32_t mtu = t->links[l].mtu ? t->links[l].mtu : 1500;
    if (dev->mtu != mtu) {
        snprintf(err, errlen, "interface %s has an MTU of %u, but %s's %s is on a link of MTU %u (%s)", device,
                 dev->mtu, node->name, node->ifs[i].name, mtu, t->links[l].where.text);
        return NULL;
    }
    struct netif *nif = add_netif(d, node, index, i, mtu, o);
    emu_pcap_dev_bind(dev, loop, nif);
    if (o->pcap_dir) {
        if (!(dev->capture_ctx = open_capture(d, loop, node, i, o, err, errlen)))
            return NULL;
        dev->capture = capture;
    }
    return nif;
}

/* The existing device named for interface `name` by o->ifaces, or NULL. */
static const char *device_for(const struct emu_director_opts *o, const char *name)
{
    for (int k = 0; k < o->nifaces; k++)
        if (!strcmp(o->ifaces[k].name, name))
            return o->ifaces[k].device;
    return NULL;
}

int emu_director_check_ifaces(const struct scn_topo *t, int index, const struct emu_director_opts *o, char *err,
                              size_t errlen)
{
    const struct scn_node *node = &t->nodes[t->directors[index].node];
    if (node->nifs > SCN_MAX_IFS) {
        snprintf(err, errlen, "%s: the emulated director takes at most %d interfaces, not %d", node->name,
                 SCN_MAX_IFS, node->nifs);
        return -1;
    }
    for (int k = 0; k < o->nifaces; k++) {
        const struct emu_director_iface *e = &o->ifaces[k];
        bool linked = false;
        for (int i = 0; i < node->nifs; i++)
            linked |= node->ifs[i].link >= 0 && !strcmp(node->ifs[i].name, e->name);
        if (!linked) {
            int n = snprintf(err, errlen, "--iface %s=%s: %s has no interface %s on a link (its linked interfaces:",
                             e->name, e->device, node->name, e->name);
            for (int i = 0; i < node->nifs && n > 0 && (size_t)n < errlen; i++)
                if (node->ifs[i].link >= 0)
                    n += snprintf(err + n, errlen - (size_t)n, " %s", node->ifs[i].name);
            if (n > 0 && (size_t)n < errlen)
                snprintf(err + n, errlen - (size_t)n, ")");
            return -1;
        }
        for (int j = 0; j < k; j++)
            if (!strcmp(o->ifaces[j].name, e->name) || !strcmp(o->ifaces[j].device, e->device)) {
                snprintf(err, errlen, "--iface %s=%s: %s is given twice", e->name, e->device,
                         strcmp(o->ifaces[j].name, e->name) ? e->device : e->name);
                return -1;
            }
    }
    return 0;
}

int emu_director_start(struct emu_director *d, struct ev_loop *loop, const struct scn_topo *t, int index,
                       const struct emu_director_opts *o, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    const struct scn_director *dir = &t->directors[index];
    const struct scn_node *node = &t->nodes[dir->node];
    emu_clock_init(&d->clock, loop);
    d->pool = pkt_pool_new();
    d->host = host_new(node->name, emu_clock_rt(&d->clock), d->pool, 1);
    scn_apply_sysctls(d->host, node);
    if (emu_director_check_ifaces(t, index, o, err, errlen) < 0)
        return -1;
    struct netif *ifs[SCN_MAX_IFS];
    for (int i = 0; i < node->nifs; i++) {
        const struct scn_iface *ifc = &node->ifs[i];
        const char *device = ifc->link >= 0 ? device_for(o, ifc->name) : NULL;
        ifs[i] = device          ? open_device(d, loop, t, index, i, device, o, err, errlen)
                 : ifc->link >= 0 ? open_tap(d, loop, t, index, i, o, err, errlen)
                 : ifc->naddrs    ? scn_apply_local_netif(d->host, ifc)
                                  : NULL;
        if (ifc->link >= 0 && !ifs[i])
            return -1;
    }
    if (scn_apply_node(d->host, node, ifs, err, errlen) < 0)
        return -1;
    ipvs_director_init(&d->ipvs, d->host);
    d->ipvs_up = true;
    bool vrrp = false;
    if (dir->keepalived[0] && emu_keepalived_start(&d->ka, dir->keepalived, &d->ipvs, loop, o->log, &vrrp, err, errlen) < 0)
        return -1;
    return scn_apply_director(&d->ipvs, d->host, dir, vrrp, err, errlen);
}

void emu_director_list(struct emu_director *d, FILE *out)
{
    ipvsadm_list_all(&d->ipvs, IPVSADM_FMT_NUMERIC, out);
    ipvsadm_list_all(&d->ipvs, IPVSADM_FMT_NUMERIC | IPVSADM_FMT_STATS | IPVSADM_FMT_EXACT, out);
    ipvs_counters_print(&d->ipvs, out);
    for (int i = 0; i < d->ntaps; i++)
        emu_tap_print_counters(&d->taps[i], out);
    for (int i = 0; i < d->ndevs; i++)
        emu_pcap_dev_print_counters(&d->devs[i], out);
}

void emu_director_shutdown(struct emu_director *d)
{
    emu_keepalived_shutdown(&d->ka);
}

size_t emu_director_stop(struct emu_director *d)
{
    emu_keepalived_stop(&d->ka);
    if (d->ipvs_up)
        ipvs_director_destroy(&d->ipvs);
    for (int i = 0; i < d->ntaps; i++)
        emu_tap_close(&d->taps[i]);
    for (int i = 0; i < d->ndevs; i++)
        emu_pcap_dev_close(&d->devs[i]);
    for (int i = 0; i < SCN_MAX_IFS; i++)
        scn_pcap_close(d->caps[i].pcap);
    if (d->host)
        host_free(d->host);
    size_t live = d->pool ? pkt_pool_free(d->pool) : 0;
    emu_clock_destroy(&d->clock);
    memset(d, 0, sizeof *d);
    return live;
}
