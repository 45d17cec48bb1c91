/* ICMP DROP rules on a host's FORWARD hook. */
#include "net/filter.h"

#include <stdlib.h>

#include "engine/xalloc.h"
#include "net/hdr.h"

struct filter_table {
    struct {
        int type, code;
    } rules[FILTER_MAX_RULES];
    int n;
};

static enum host_verdict filter_hook(void *ctx, struct host *h, struct pkt *p)
{
    (void)h;
    const struct filter_table *t = ctx;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    unsigned ihl = ipv4_hdr_len(ip);
    if (ip->proto != IPPROTO_ICMP || (ntohs(ip->frag_off) & IPV4_OFFMASK) || p->len < ihl + 2)
        return VERDICT_ACCEPT;
    int type = p->data[ihl], code = p->data[ihl + 1];
    for (int i = 0; i < t->n; i++)
        if (t->rules[i].type == type && (t->rules[i].code < 0 || t->rules[i].code == code))
            return VERDICT_DROP;
    return VERDICT_ACCEPT;
}

int filter_icmp_drop_add(struct host *h, int type, int code)
{
    if (!h->filters) {
        struct filter_table *t = xcalloc(1, sizeof *t);
        if (!host_add_hook(h, HOOK_FORWARD, filter_hook, t)) {
            free(t);
            return -1;
        }
        h->filters = t;
    }
    struct filter_table *t = h->filters;
    if (t->n == FILTER_MAX_RULES)
        return -1;
    t->rules[t->n].type = type;
    t->rules[t->n].code = code;
    t->n++;
    return 0;
}

void filter_free(struct host *h)
{
    free(h->filters);
    h->filters = NULL;
}
