/* The mangle table's MARK rules on a host's PRE_ROUTING hook. */
#include "net/mark.h"

#include <stdlib.h>

#include "engine/xalloc.h"
#include "net/hdr.h"
#include "net/route.h"

struct mark_table {
    struct mark_rule rules[MARK_MAX_RULES];
    int n;
};

static bool matches(const struct mark_rule *r, const struct ipv4_hdr *ip, const struct pkt *p)
{
    if (r->protocol && r->protocol != ip->proto)
        return false;
    if (((ntohl(ip->daddr) ^ r->daddr) & route_mask(r->prefix_len)) != 0)
        return false;
    if (!r->dport_lo && !r->dport_hi)
        return true;
    unsigned ihl = ipv4_hdr_len(ip);
    if ((ip->proto != IPPROTO_TCP && ip->proto != IPPROTO_UDP) || (ntohs(ip->frag_off) & IPV4_OFFMASK) ||
        p->len < ihl + 4)
        return false;
    const uint8_t *l4 = p->data + ihl;
    uint16_t dport = (uint16_t)(l4[2] << 8 | l4[3]);
    return dport >= r->dport_lo && dport <= r->dport_hi;
}

static enum host_verdict mark_hook(void *ctx, struct host *h, struct pkt *p)
{
    (void)h;
    const struct mark_table *t = ctx;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    for (int i = 0; i < t->n; i++)
        if (matches(&t->rules[i], ip, p)) {
            p->mark = t->rules[i].mark;
            break;
        }
    return VERDICT_ACCEPT;
}

int mark_rule_add(struct host *h, const struct mark_rule *r)
{
    if (!h->marks) {
        struct mark_table *t = xcalloc(1, sizeof *t);
        if (!host_add_hook(h, HOOK_PRE_ROUTING, mark_hook, t)) {
            free(t);
            return -1;
        }
        h->marks = t;
    }
    if (h->marks->n == MARK_MAX_RULES)
        return -1;
    h->marks->rules[h->marks->n++] = *r;
    return 0;
}

void mark_free(struct host *h)
{
    free(h->marks);
    h->marks = NULL;
}
