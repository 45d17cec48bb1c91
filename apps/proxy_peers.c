/* The proxy's upstream group: nginx's round robin, least_conn and ip_hash, and its passive health. */
#include "apps/proxy_peers.h"

#include <string.h>

#define IP_HASH_MAX_TRIES 20

static const char *const balance_names[] = { "round_robin", "least_conn", "ip_hash" };

int proxy_balance_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (!strcmp(name, balance_names[i]))
            return i;
    return -1;
}

const char *proxy_balance_name(enum proxy_balance b) { return balance_names[b]; }

static int64_t seconds(sim_time_t t) { return t / SIM_S; }

void proxy_peers_init(struct proxy_peers *g, enum proxy_balance balance, uint32_t max_fails,
                      sim_time_t fail_timeout)
{
    memset(g, 0, sizeof *g);
    g->balance = balance;
    g->max_fails = max_fails;
    g->fail_timeout_s = seconds(fail_timeout);
}

bool proxy_peers_add(struct proxy_peers *g, uint32_t addr, uint16_t port)
{
    if (g->n == PROXY_MAX_PEERS)
        return false;
    g->peer[g->n++] = (struct proxy_peer){ .addr = addr, .port = port, .weight = 1, .effective_weight = 1 };
    g->total_weight++;
    return true;
}

void proxy_pick_init(struct proxy_pick *p, const struct proxy_peers *g, uint32_t client)
{
    memset(p, 0, sizeof *p);
    p->tries_left = g->n;
    p->hash = 89;
    p->client[0] = (uint8_t)(client >> 24), p->client[1] = (uint8_t)(client >> 16);
    p->client[2] = (uint8_t)(client >> 8);
}

bool proxy_peers_down(const struct proxy_peers *g, int i, sim_time_t now)
{
    const struct proxy_peer *x = &g->peer[i];
    return g->n > 1 && g->max_fails && x->fails >= g->max_fails && seconds(now) - x->checked <= g->fail_timeout_s;
}

static bool usable(const struct proxy_peers *g, const struct proxy_pick *p, int i, sim_time_t now)
{
    return !(p->tried & (1u << i)) && !proxy_peers_down(g, i, now);
}

/* The peer was chosen: mark it tried, count it, and start a trial if its
 * unavailability is over (nginx: checked = now once fail_timeout passed). */
static int chosen(struct proxy_peers *g, struct proxy_pick *p, int i, sim_time_t now)
{
    struct proxy_peer *x = &g->peer[i];
    if (seconds(now) - x->checked > g->fail_timeout_s)
        x->checked = seconds(now);
    p->tried |= 1u << i;
    x->conns++;
    x->chosen++;
    return i;
}

/* ngx_http_upstream_get_peer: smooth weighted round robin over the usable
 * peers (only those with conns * weight equal to `like`'s when like >= 0). */
static int smooth_rr(struct proxy_peers *g, const struct proxy_pick *p, sim_time_t now, int like, int best)
{
    int total = 0;
    for (int i = like >= 0 ? like : 0; i < g->n; i++) {
        struct proxy_peer *x = &g->peer[i];
        if (!usable(g, p, i, now))
            continue;
        if (like >= 0 && x->conns * (uint32_t)g->peer[like].weight != g->peer[like].conns * (uint32_t)x->weight)
            continue;
        x->current_weight += x->effective_weight;
        total += x->effective_weight;
        if (x->effective_weight < x->weight)
            x->effective_weight++;
        if (best < 0 || x->current_weight > g->peer[best].current_weight)
            best = i;
    }
    if (best >= 0)
        g->peer[best].current_weight -= total;
    return best;
}

/* ngx_http_upstream_get_least_conn_peer. */
static int least_conn(struct proxy_peers *g, const struct proxy_pick *p, sim_time_t now)
{
    int best = -1;
    bool many = false;
    for (int i = 0; i < g->n; i++) {
        const struct proxy_peer *x = &g->peer[i];
        if (!usable(g, p, i, now))
            continue;
        if (best < 0 || x->conns * (uint32_t)g->peer[best].weight < g->peer[best].conns * (uint32_t)x->weight)
            best = i, many = false;
        else if (x->conns * (uint32_t)g->peer[best].weight == g->peer[best].conns * (uint32_t)x->weight)
            many = true;
    }
    if (best < 0 || !many)
        return best;
    return smooth_rr(g, p, now, best, best);   /* the ties, from the first, by round robin */
}

/* ngx_http_upstream_get_ip_hash_peer; past 20 rehashes, round robin. */
static int ip_hash(struct proxy_peers *g, struct proxy_pick *p, sim_time_t now)
{
    uint32_t hash = p->hash;
    while (p->hash_tries <= IP_HASH_MAX_TRIES) {
        for (int k = 0; k < 3; k++)
            hash = (hash * 113 + p->client[k]) % 6271;
        int w = (int)(hash % (uint32_t)g->total_weight), i = 0;
        while (w >= g->peer[i].weight)
            w -= g->peer[i].weight, i++;
        if (usable(g, p, i, now)) {
            p->hash = hash;
            return i;
        }
        p->hash_tries++;
    }
    return smooth_rr(g, p, now, -1, -1);
}

int proxy_peers_get(struct proxy_peers *g, struct proxy_pick *p, sim_time_t now)
{
    if (p->tries_left <= 0 || g->n == 0)
        return -1;
    int i;
    if (g->n == 1)
        i = p->tried & 1u ? -1 : 0;     /* nginx's single peer: never down */
    else if (g->balance == PROXY_LEAST_CONN)
        i = least_conn(g, p, now);
    else if (g->balance == PROXY_IP_HASH)
        i = ip_hash(g, p, now);
    else
        i = smooth_rr(g, p, now, -1, -1);
    if (i < 0)
        return -1;
    p->tries_left--;
    return chosen(g, p, i, now);
}

/* ngx_http_upstream_free_round_robin_peer. */
void proxy_peers_free(struct proxy_peers *g, int i, bool failed, sim_time_t now)
{
    struct proxy_peer *x = &g->peer[i];
    if (x->conns)
        x->conns--;
    if (g->n == 1)
        return;
    if (failed) {
        x->failures++;
        x->fails++;
        x->accessed = x->checked = seconds(now);
        if (g->max_fails) {
            x->effective_weight -= x->weight / (int)g->max_fails;
            if (x->effective_weight < 0)
                x->effective_weight = 0;
        }
    } else if (x->accessed < x->checked) {
        x->fails = 0;
    }
}
