/* The L7 proxy's two sides, shared by apps/proxy.c (clients) and apps/proxy_upstream.c (peers). */
#ifndef APPS_PROXY_INT_H
#define APPS_PROXY_INT_H

#include <sys/queue.h>

#include "apps/http_wire.h"
#include "apps/proxy.h"
#include "engine/runtime.h"

struct px_up;

enum px_state { PX_READING, PX_WORKING, PX_UPSTREAM, PX_SENDING };

/* A client connection and the request it has in the proxy. */
struct px_conn {
    struct proxy *p;
    LIST_ENTRY(px_conn) link;
    struct tcp_sock *s;
    enum px_state state;
    bool close_after, peer_eof;
    bool reading, gone;        /* in on_received; let go of meanwhile (freed on the way out) */
    uint32_t client;
    struct http_rx rx;         /* the client's request */
    struct http_msg req;       /* what it asked, once read */
    uint32_t req_body;
    struct proxy_pick pick;
    struct px_up *up;          /* the attempt in progress */
    int peer;                  /* its peer */
    struct http_tx tx;         /* the answer to the client */
    bool answering;            /* tx holds the answer (for a relayed one, its CPU paid) */
    bool relayed;              /* the answer is an upstream's (not a page) */
    uint32_t answer_id;        /* the server id the upstream's answer names */
    bool last_timeout;         /* the last failed attempt timed out */
    bool up_done;              /* the upstream's answer is all in */
    uint64_t up_body;          /* bytes of its body in so far */
    sim_time_t t_read, t_sent, t_answered;   /* request read, passed on, answer all in */
};

/* A connection to a peer. */
struct px_up {
    struct proxy *p;
    LIST_ENTRY(px_up) link;
    LIST_ENTRY(px_up) idle_link;
    struct tcp_sock *s;
    int peer;
    bool idle, connected, sent, hdr_seen;
    struct px_conn *k;         /* the request it carries */
    struct http_tx tx;
    struct http_rx rx;
    struct rt_timer timer;
};

struct proxy {
    struct host *h;
    struct proxy_cfg cfg;
    struct proxy_peers group;
    struct tcp_sock *listener;  /* NULL while stopped */
    LIST_HEAD(, px_conn) conns;
    LIST_HEAD(, px_up) ups;
    LIST_HEAD(, px_up) idle;    /* most recently used first */
    int nidle;
    struct proxy_stats stats;
};

/* Upstream side (apps/proxy_upstream.c). */
/* Pass k's request to the next peer, or answer 502 when there is none. */
void px_dispatch(struct px_conn *k);
/* k goes away mid-request: its upstream connection is let go of. */
void px_up_detach(struct px_conn *k);
/* Close every upstream connection (stop, free). */
void px_up_close_all(struct proxy *p, bool abort);

/* Client side (apps/proxy.c), called by the upstream side. */
/* The answer's header is in: pay its CPU and start relaying; false when
 * the CPU refused and the client (with its upstream connection) is gone. */
bool px_answer_begin(struct px_conn *k);
/* More of the answer is in, or all of it: relay what may go. */
void px_answer_more(struct px_conn *k);
/* No answer: a page with this status (502, 504). */
void px_answer_error(struct px_conn *k, int code);
/* The answer broke off after part of it went to the client: reset it. */
void px_conn_abort(struct px_conn *k);

#endif
