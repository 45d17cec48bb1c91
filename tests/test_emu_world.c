/* The emulated world from a topology: namespaces, a bridge for the switch,
 * veths, addresses, routes, a router forwarding, a DR real server set up the
 * Linux way; and everything gone after emu_world_down(). Needs root:
 * skipped without it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "emu/exec.h"
#include "emu/world.h"

#define TEST_NODE_IFS 8

/* A node whose interfaces live in ifs (TEST_NODE_IFS of them). */
static int add_node(struct scn_topo *t, const char *name, enum scn_node_kind kind, struct scn_iface *ifs)
{
    struct scn_node *n = &t->nodes[t->nnodes];
    memset(n, 0, sizeof *n);
    memset(ifs, 0, TEST_NODE_IFS * sizeof *ifs);
    n->ifs = ifs;
    snprintf(n->name, sizeof n->name, "%s", name);
    n->kind = kind;
    n->forward = kind == SCN_ROUTER;
    if (kind != SCN_SWITCH) {
        snprintf(n->ifs[0].name, sizeof n->ifs[0].name, "lo");
        n->ifs[0].link = -1;
        n->ifs[0].noarp = true;
        n->nifs = 1;
    }
    return t->nnodes++;
}

static void add_link(struct scn_topo *t, int a, int b, uint32_t addr_a, uint32_t addr_b)
{
    struct scn_link *l = &t->links[t->nlinks];
    memset(l, 0, sizeof *l);
    int ends[2] = { a, b };
    uint32_t addrs[2] = { addr_a, addr_b };
    for (int e = 0; e < 2; e++) {
        struct scn_node *n = &t->nodes[ends[e]];
        struct scn_iface *f = &n->ifs[n->nifs];
        memset(f, 0, sizeof *f);
        snprintf(f->name, sizeof f->name, "eth%d", n->nifs - (n->kind == SCN_SWITCH ? 0 : 1));
        f->link = t->nlinks;
        if (addrs[e]) {
            f->addr[0] = addrs[e];
            f->prefix_len[0] = 24;
            f->naddrs = 1;
        }
        l->node[e] = ends[e];
        l->iface[e] = n->nifs++;
    }
    t->nlinks++;
}

static void add_route(struct scn_topo *t, int n, uint32_t via)
{
    t->nodes[n].routes[t->nodes[n].nroutes++] = (struct scn_route){ .via = via };
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

Test(emu_world, namespaces_bridge_router_and_dr_server_then_nothing_left, .timeout = 60)
{
    if (geteuid() != 0)
        cr_skip_test("needs root");
    struct scn_node nodes[5];
    struct scn_link links[4];
    struct scn_realserver rs[1];
    struct scn_topo t = { .nodes = nodes, .links = links, .realservers = rs };
    struct scn_iface ifs[5][TEST_NODE_IFS];
    int h1 = add_node(&t, "h1", SCN_HOST, ifs[0]);
    int r1 = add_node(&t, "r1", SCN_ROUTER, ifs[1]);
    int sw = add_node(&t, "sw", SCN_SWITCH, ifs[2]);
    int h2 = add_node(&t, "h2", SCN_HOST, ifs[3]);
    int h3 = add_node(&t, "h3", SCN_HOST, ifs[4]);
    add_link(&t, h1, r1, IP(10, 201, 1, 2), IP(10, 201, 1, 1));
    add_link(&t, r1, sw, IP(10, 201, 2, 1), 0);
    add_link(&t, h2, sw, IP(10, 201, 2, 2), 0);
    add_link(&t, h3, sw, IP(10, 201, 2, 3), 0);
    add_route(&t, h1, IP(10, 201, 1, 1));
    add_route(&t, h2, IP(10, 201, 2, 1));
    add_route(&t, h3, IP(10, 201, 2, 1));
    rs[0] = (struct scn_realserver){ .node = h2, .mode = SCN_DR, .vip = IP(10, 201, 2, 100),
                                     .arp_fix = true };
    t.nrealservers = 1;

    char tag[8], err[512];
    snprintf(tag, sizeof tag, "t%d", (int)(getpid() % 1000));
    struct emu_world w;
    cr_assert_eq(emu_world_up(&w, &t, tag, "build/lvslab", NULL, false, 0, err, sizeof err), 0, "%s", err);

    /* h1 reaches h3 across the router and the bridge */
    int ping = emu_execl(emu_world_ns(&w, "h1"), err, sizeof err, "ping", "-c", "1", "-W", "2",
                         "10.201.2.3", NULL);
    int ttl_ok = ping == 0;
    /* the DR server holds the VIP on lo and ignores ARP for it */
    int vip = emu_execl(emu_world_ns(&w, "h2"), err, sizeof err, "sh", "-c",
                        "ip addr show dev lo | grep -q 10.201.2.100/32 && "
                        "test $(sysctl -n net.ipv4.conf.all.arp_ignore) = 1 && "
                        "test $(sysctl -n net.ipv4.conf.eth0.arp_announce) = 2", NULL);
    char ns[48];
    snprintf(ns, sizeof ns, "%s", emu_world_ns(&w, "h1"));
    cr_assert_eq(emu_world_down(tag, err, sizeof err), 0, "%s", err);
    emu_world_free(&w);

    cr_assert(ttl_ok, "h1 could not ping h3: %s", err);
    cr_assert_eq(vip, 0, "DR set-up missing on h2");
    char path[96];
    snprintf(path, sizeof path, "/run/netns/%s", ns);
    cr_assert_neq(access(path, F_OK), 0, "namespace %s still there", ns);
    char bridge[24];
    snprintf(bridge, sizeof bridge, "lb%s2", tag);
    cr_assert_neq(emu_execl(NULL, err, sizeof err, "ip", "link", "show", bridge, NULL), 0,
                  "bridge %s still there", bridge);
}
