/* The plan of one emulated run (emu/plan.h) built as a JSON object. */
#include "emu/plan.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "emu/world.h"

static json_t *ip_json(uint32_t a)
{
    char text[INET_ADDRSTRLEN];
    struct in_addr in = { .s_addr = htonl(a) };
    return json_string(inet_ntop(AF_INET, &in, text, sizeof text));
}

static json_t *cidr_json(uint32_t a, unsigned prefix_len)
{
    char text[INET_ADDRSTRLEN], cidr[40];
    struct in_addr in = { .s_addr = htonl(a) };
    snprintf(cidr, sizeof cidr, "%s/%u", inet_ntop(AF_INET, &in, text, sizeof text), prefix_len);
    return json_string(cidr);
}

static const char *kind_name(enum scn_node_kind k)
{
    return k == SCN_SWITCH ? "switch" : k == SCN_ROUTER ? "router" : "host";
}

/* Interfaces with the addresses to add (not lo's 127.0.0.1, which every
 * Linux host has). */
static json_t *ifaces_json(const struct scn_node *node)
{
    json_t *ifs = json_array();
    for (int i = 0; i < node->nifs; i++) {
        const struct scn_iface *f = &node->ifs[i];
        json_t *addrs = json_array();
        for (int k = 0; k < f->naddrs; k++)
            if (strcmp(f->name, "lo") || f->addr[k] != 0x7f000001)
                json_array_append_new(addrs, cidr_json(f->addr[k], f->prefix_len[k]));
        json_array_append_new(ifs, json_pack("{s:s, s:o, s:o}", "name", f->name, "addrs", addrs, "link",
                                             f->link >= 0 ? json_integer(f->link) : json_null()));
    }
    return ifs;
}

static json_t *routes_json(const struct scn_node *node)
{
    json_t *routes = json_array();
    for (int r = 0; r < node->nroutes; r++) {
        const struct scn_route *rt = &node->routes[r];
        json_t *o = json_pack("{s:o, s:o, s:s}", "to", rt->prefix_len ? cidr_json(rt->prefix, rt->prefix_len)
                                                                    : json_string("default"),
                              "via", rt->via ? ip_json(rt->via) : json_null(), "where", rt->where.text);
        if (rt->nvias > 1) {           /* ECMP: every next hop, and fib_multipath_hash_policy */
            json_t *hops = json_array();
            for (int k = 0; k < rt->nvias; k++)
                json_array_append_new(hops, ip_json(rt->vias[k]));
            json_object_set_new(o, "nexthops", hops);
            json_object_set_new(o, "hash_policy", json_integer(rt->hash == SCN_HASH_L4 ? 1 : 0));
        }
        json_array_append_new(routes, o);
    }
    return routes;
}

static json_t *node_json(const struct scn_topo *t, int n, const char *tag)
{
    const struct scn_node *node = &t->nodes[n];
    json_t *o = json_pack("{s:s, s:s, s:b, s:b, s:i, s:i, s:i, s:o, s:o, s:s}", "name", node->name, "kind",
                          kind_name(node->kind), "director", scn_topo_director(t, n) != NULL, "forward",
                          node->forward, "arp_ignore", node->arp_ignore, "arp_announce", node->arp_announce,
                          "rp_filter", node->rp_filter, "ifaces", ifaces_json(node), "routes", routes_json(node),
                          "where", node->where.text);
    if (node->kind == SCN_SWITCH) {
        char bridge[16];
        emu_world_switch_bridge(tag, n, bridge);
        json_object_set_new(o, "bridge", json_string(bridge));
    }
    return o;
}

static json_t *link_json(const struct scn_topo *t, int l, const char *tag, bool shape)
{
    const struct scn_link *k = &t->links[l];
    json_t *ends = json_array();
    for (int e = 0; e < 2; e++) {
        const struct scn_node *node = &t->nodes[k->node[e]];
        json_array_append_new(ends, json_pack("{s:s, s:s}", "node", node->name, "iface",
                                              node->ifs[k->iface[e]].name));
    }
    json_t *o = json_pack("{s:o, s:I, s:I, s:I, s:I, s:f, s:s}", "ends", ends, "rate_bps", (json_int_t)k->rate_bps,
                          "queue_pkts", (json_int_t)k->queue_pkts, "delay_ns", (json_int_t)k->delay, "jitter_ns",
                          (json_int_t)k->jitter, "loss", k->loss, "where", k->where.text);
    if (scn_topo_director(t, k->node[0]) || scn_topo_director(t, k->node[1])) {
        char tap[16], bridge[16];
        emu_world_director_port(tag, t, l, shape, tap, bridge);
        json_object_set_new(o, "director_port", json_pack("{s:s, s:s}", "tap", tap, "bridge", bridge));
    }
    return o;
}

static json_t *realserver_json(const struct scn_topo *t, const struct scn_realserver *rs)
{
    const char *vip_dev = rs->mode == SCN_DR ? "lo" : rs->mode == SCN_TUN ? EMU_TUN_DEV : NULL;
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:b, s:s}", "node", t->nodes[rs->node].name, "mode",
                     scn_mode_name(rs->mode), "vip", ip_json(rs->vip), "vip_dev",
                     vip_dev ? json_string(vip_dev) : json_null(), "gateway",
                     rs->gateway ? ip_json(rs->gateway) : json_null(), "arp_fix", rs->arp_fix, "where",
                     rs->where.text);
}

static const char *app_kind_name(enum scn_app_kind k)
{
    return k == SCN_APP_HTTP ? "http" : k == SCN_APP_BULK ? "bulk" : k == SCN_APP_PROXY ? "proxy" : "udp";
}

static json_t *clients_json(const struct scn_topo *t)
{
    json_t *clients = json_array();
    for (int i = 0; i < t->nworkloads; i++) {
        const struct scn_workload *w = &t->workloads[i];
        for (int c = 0; c < w->nfrom; c++)
            json_array_append_new(clients, json_pack("{s:s, s:s, s:o, s:i}", "workload", w->name, "node",
                                                     t->nodes[w->from[c]].name, "dst", ip_json(w->dst),
                                                     "port", w->dport));
    }
    return clients;
}

json_t *emu_plan_json(const struct scenario *sc, const struct scn_run *run, const struct scn_topo *t,
                      const char *tag, bool shape, char *const *director_args)
{
    json_t *nodes = json_array(), *links = json_array(), *directors = json_array(), *rss = json_array(),
           *servers = json_array(), *dargs = json_array();
    for (int n = 0; n < t->nnodes; n++)
        json_array_append_new(nodes, node_json(t, n, tag));
    for (int l = 0; l < t->nlinks; l++)
        json_array_append_new(links, link_json(t, l, tag, shape));
    for (int i = 0; i < t->ndirectors; i++)
        json_array_append_new(directors, json_pack("{s:s, s:o}", "node", t->nodes[t->directors[i].node].name,
                                                   "vip", ip_json(t->directors[i].vip)));
    for (int i = 0; i < t->nrealservers; i++)
        json_array_append_new(rss, realserver_json(t, &t->realservers[i]));
    for (int i = 0; i < t->napps; i++)
        json_array_append_new(servers, json_pack("{s:s, s:s, s:i, s:s}", "node", t->nodes[t->apps[i].node].name,
                                                 "kind", app_kind_name(t->apps[i].kind), "port", t->apps[i].port,
                                                 "where", t->apps[i].where.text));
    for (int i = 0; director_args[i]; i++)
        json_array_append_new(dargs, json_string(director_args[i]));
    char seed[24];             /* a string: JSON integers stop at 2^63 */
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)sc->seed);
    return json_pack("{s:s, s:s, s:s, s:b, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "scenario", sc->name, "mode",
                     scn_mode_name(run->mode), "tag", tag, "shape", shape, "seed", seed, "nodes", nodes, "links",
                     links, "directors", directors, "director_args", dargs, "realservers", rss, "servers", servers, "clients",
                     clients_json(t));
}
