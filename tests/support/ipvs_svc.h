/*
 * Test support: one director (struct ipvs) on a test clock with one TCP
 * service, and its dests named by letter: dest 'A' is 10.0.0.1:80, 'B'
 * 10.0.0.2:80 and so on. Dests are added through ipvs_dest_add, so the list
 * is newest first as in the kernel. picks() schedules n new connections and
 * writes the letters chosen ('-' for none); with `hold` each pick keeps one
 * active connection on its dest. Header-only, for tests.
 */
#ifndef TESTS_SUPPORT_IPVS_SVC_H
#define TESTS_SUPPORT_IPVS_SVC_H

#include <criterion/criterion.h>
#include <string.h>

#include "engine/sched.h"
#include "lvs/ipvs.h"
#include "lvs/sched.h"
#include "tests/support/leak_check.h"

#define TSVC_VIP 0xc0a80001u    /* 192.168.0.1 */
#define TSVC_RS(letter) (0x0a000000u + (uint32_t)((letter) - 'A' + 1))

struct tsvc {
    struct sched clock;
    struct ipvs ipvs;
    struct ipvs_service_conf sc;
    struct ipvs_service *svc;
};

static inline void tsvc_init(struct tsvc *t, const char *sched, uint32_t flags)
{
    sched_init(&t->clock);
    ipvs_init(&t->ipvs, NULL, sched_rt(&t->clock));
    t->sc = (struct ipvs_service_conf){ .protocol = 6, .addr = TSVC_VIP, .port = 80, .flags = flags };
    strcpy(t->sc.sched_name, sched);
    cr_assert_eq(ipvs_service_add(&t->ipvs, &t->sc), 0);
    t->svc = ipvs_service_find(&t->ipvs, 6, TSVC_VIP, 80, 0);
    cr_assert_not_null(t->svc);
}

static inline void tsvc_fini(struct tsvc *t)
{
    ipvs_destroy(&t->ipvs);
    cr_assert_null(t->ipvs.trash, "a dest was left in the trash");
    sched_destroy(&t->clock);
}

static inline struct ipvs_dest *tsvc_add(struct tsvc *t, char letter, int weight)
{
    struct ipvs_dest_conf c = { .addr = TSVC_RS(letter), .port = 80, .weight = weight };
    cr_assert_eq(ipvs_dest_add(&t->ipvs, &t->sc, &c), 0);
    return ipvs_dest_find(t->svc, c.addr, 80);
}

/* Add dests "ABC" with their weights in that order (the list is then C, B, A). */
static inline void tsvc_add_all(struct tsvc *t, const char *letters, const int *weights)
{
    for (int i = 0; letters[i]; i++)
        tsvc_add(t, letters[i], weights[i]);
}

static inline struct ipvs_dest *tsvc_dest(struct tsvc *t, char letter)
{
    struct ipvs_dest *d = ipvs_dest_find(t->svc, TSVC_RS(letter), 80);
    cr_assert_not_null(d, "no dest %c", letter);
    return d;
}

static inline void tsvc_edit(struct tsvc *t, char letter, int weight)
{
    struct ipvs_dest_conf c = { .addr = TSVC_RS(letter), .port = 80, .weight = weight };
    cr_assert_eq(ipvs_dest_edit(&t->ipvs, &t->sc, &c), 0);
}

static inline void tsvc_del(struct tsvc *t, char letter)
{
    struct ipvs_dest_conf c = { .addr = TSVC_RS(letter), .port = 80 };
    cr_assert_eq(ipvs_dest_del(&t->ipvs, &t->sc, &c), 0);
}

static inline char tsvc_letter(const struct ipvs_dest *d)
{
    return d ? (char)('A' + (d->addr - TSVC_RS('A'))) : '-';
}

static inline struct ipvs_dest *tsvc_pick(struct tsvc *t, uint32_t saddr, uint16_t sport, uint32_t daddr)
{
    struct ipvs_tuple tu = { .protocol = 6, .saddr = saddr, .sport = sport, .daddr = daddr, .dport = 80 };
    return t->svc->sched->schedule(t->svc, &tu);
}

/* n picks from one client to the VIP into out (n + 1 bytes). */
static inline const char *tsvc_picks(struct tsvc *t, int n, bool hold, char *out)
{
    for (int i = 0; i < n; i++) {
        struct ipvs_dest *d = tsvc_pick(t, 0x0a010001u, (uint16_t)(1024 + i), TSVC_VIP);
        if (d && hold)
            d->activeconns++;
        out[i] = tsvc_letter(d);
    }
    out[n] = '\0';
    return out;
}

#endif
