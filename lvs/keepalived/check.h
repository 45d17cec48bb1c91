/*
 * keepalived's health checking on a director (its "checker" process):
 * TCP_CHECK, HTTP_GET and MISC_CHECK run from the director's host stack on
 * its clock, decide each real server up or down with keepalived's retry
 * schedule, and change the IPVS table as keepalived's ipwrapper does
 * (remove and re-add a dest, or weight 0 and back with inhibit_on_failure;
 * quorum with hysteresis; the sorry server). Every change is reported as
 * an event with its time.
 */
#ifndef LVS_KEEPALIVED_CHECK_H
#define LVS_KEEPALIVED_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/simtime.h"
#include "lvs/ipvs.h"
#include "lvs/keepalived/conf.h"

enum ka_event_kind {
    KA_EV_RS_DOWN,            /* a real server failed its checks: removed (-d) */
    KA_EV_RS_UP,              /* it passed again: added back (-a) */
    KA_EV_RS_WEIGHT_ZERO,     /* failed with inhibit_on_failure: -e -w 0 */
    KA_EV_RS_WEIGHT_RESTORED, /* passed with inhibit_on_failure: -e -w <weight> */
    KA_EV_QUORUM_LOST,
    KA_EV_QUORUM_GAINED,
    KA_EV_SORRY_IN,           /* the sorry server added (and the live servers taken out) */
    KA_EV_SORRY_OUT,          /* the sorry server removed (and the live servers put back) */
    KA_EV_RS_WEIGHT_CHANGED,  /* misc_dynamic set a new weight: -e -w <weight> when in the table */
    KA_EV_KINDS
};

const char *ka_event_kind_name(enum ka_event_kind k);   /* "rs-down", "quorum-lost", ... */

struct ka_event {
    sim_time_t time;
    enum ka_event_kind kind;
    const char *service;      /* "TCP 10.0.0.100:80", "FWM 1" */
    uint32_t rs_addr;         /* the real (or sorry) server; 0 for quorum events */
    uint16_t rs_port;
    const char *text;         /* what keepalived would log */
};

/* The event and its strings are valid during the call only. */
typedef void (*ka_event_fn)(void *ctx, const struct ka_event *ev);

/* MISC_CHECK: the embedder's predicate stands for keepalived's script (or
 * runs it). It answers at once (PASS, FAIL) or LATER, then through
 * ka_misc_answer or ka_misc_answer_weight with the request's token; no
 * answer within misc_timeout is a failure, and misc_cancel (if set) is
 * told so that it kills the script, as keepalived does. */
enum ka_misc_verdict { KA_MISC_FAIL, KA_MISC_PASS, KA_MISC_LATER };

struct ka_misc_req {
    const char *path;         /* misc_path, as written */
    const char *service;
    uint32_t rs_addr;
    uint16_t rs_port;
    bool dynamic;             /* misc_dynamic: exit codes 2..255 pass with a weight */
    struct ka_checker *checker;
    uint64_t token;
};

typedef enum ka_misc_verdict (*ka_misc_fn)(void *ctx, const struct ka_misc_req *req);

struct ka_checks_opts {
    ka_event_fn event;        /* may be NULL */
    void *event_ctx;
    ka_misc_fn misc;          /* required when a MISC_CHECK is configured */
    void (*misc_cancel)(void *misc_ctx, uint64_t token);   /* a LATER request timed out; may be NULL */
    void *misc_ctx;
};

struct ka_checks;
struct ka_checker;

/* An empty checker set for a director; its warmup draws come from a
 * stream named after the director's host and the director's seed. */
struct ka_checks *ka_checks_new(struct ipvs *ipvs, const struct ka_checks_opts *opts);

/* Add a virtual server as keepalived starts it: the service, the real
 * servers not in alpha mode (and inhibited ones at weight 0), the sorry
 * server if quorum is down at start; then arm its checkers (first run
 * 1 s + a random part of warmup from now). 0, or -1 with IPVS's message. */
int ka_checks_add_vs(struct ka_checks *kc, const struct ka_virtual_server *vs, char *err, size_t errlen);

/* Late answer of a MISC_CHECK predicate; ignored if the check timed out. */
void ka_misc_answer(struct ka_checker *c, uint64_t token, bool pass);
/* misc_dynamic's pass with exit code weight + 2: the real server's weight
 * becomes weight first (keepalived's update_svr_wgt). */
void ka_misc_answer_weight(struct ka_checker *c, uint64_t token, int weight);

/* Is the real server (vs index, rs index, in the order added) alive now? */
bool ka_checks_rs_alive(const struct ka_checks *kc, int vs, int rs);
bool ka_checks_quorum_up(const struct ka_checks *kc, int vs);

/* keepalived stopping: checkers stop, real servers and sorry server are
 * removed and the services deleted; with omega, down and quorum-lost
 * events are reported for what was alive. */
void ka_checks_shutdown(struct ka_checks *kc);

/* Stop the checkers and free; the IPVS table is left as it is. */
void ka_checks_free(struct ka_checks *kc);

#endif
