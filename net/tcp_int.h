/*
 * TCP internals shared by tcp_sock.c (tables, open/close), tcp_input.c,
 * tcp_output.c and tcp_timer.c: the socket and stack structs and the
 * functions the files call in one another. Not for applications.
 */
#ifndef NET_TCP_INT_H
#define NET_TCP_INT_H

#include "engine/runtime.h"
#include "net/hdr.h"
#include "net/host.h"
#include "net/tcp.h"
#include "net/tcp_cc.h"
#include "net/tcp_opts.h"
#include "net/tcp_rcvbuf.h"
#include "net/tcp_reasm.h"
#include "net/tcp_ring.h"
#include "net/tcp_sndq.h"
#include "net/tcp_rtt.h"
#include "net/tcp_seq.h"
#include "net/tcp_sndbuf.h"
#include "net/tcp_txlog.h"

#define TCP_PROTO 6
#define TCP_TS_OPT_LEN 12          /* NOP NOP TS */
#define TCP_LISTEN_BUCKETS 16      /* by port: a host listens on a few (2 KB in every host at 256) */
#define TCP_DEFAULT_MSS 536

enum tcp_timer_mode {
    TCP_TM_NONE, TCP_TM_RTO, TCP_TM_PERSIST, TCP_TM_TIME_WAIT, TCP_TM_FIN_WAIT_2,
    TCP_TM_TLP,                    /* tail loss probe (tcp_rack.c) */
    TCP_TM_REO,                    /* RACK's reordering window (tcp_rack.c) */
};

/* A window reduction that may yet be taken back (tcp_undo.c). */
struct tcp_undo {
    bool armed;                    /* Linux's undo_marker is set */
    uint32_t marker;               /* snd_una when recovery began */
    int32_t retrans;               /* segments resent not yet shown spurious; -1 none */
    uint32_t stamp;                /* TS clock of the first retransmission, 0 none */
    uint32_t high;                 /* end of the highest retransmission, else marker */
    uint32_t prior_cwnd, prior_ssthresh;
};

/* One retransmission in recovery (tcp_rack_rexmit.c). */
struct tcp_rexmit {
    uint32_t start, end;           /* [start, end) sent again */
    uint32_t nxt;                  /* snd_nxt then: new data from here left after it */
    sim_time_t t;
    bool lost;                     /* something sent later arrived: to send again */
};
#define TCP_REXMIT_LOG_MAX 32      /* twice the scoreboard's ranges */
struct tcp_rexmit_log {
    uint32_t n;
    sim_time_t wait;               /* until the next may be judged lost, 0 none */
    struct tcp_rexmit *e;          /* TCP_REXMIT_LOG_MAX, allocated at the first use */
};

struct tcp_sock {
    struct tcp_stack *st;
    struct tcp_sock *hnext;        /* hash chain (connections or listeners) */
    enum tcp_state state;
    uint32_t laddr, raddr;
    uint16_t lport, rport;

    bool toa_seen;                 /* a TOA option came: the client behind a FULLNAT director */
    uint16_t toa_port;
    uint32_t toa_addr;

    const struct tcp_callbacks *cb;   /* NULL: no callbacks (let go, or not accepted yet) */
    void *ctx;
    bool orphan;                   /* the app closed it: data that still comes gets RST */

    /* listeners */
    int backlog, pending;          /* handshakes in progress */
    struct tcp_sock *listener;     /* a SYN_RECEIVED child's listener */
    bool passive;                  /* made by a listener */

    /* send side */
    uint32_t iss, snd_una, snd_nxt, snd_max;
    uint32_t snd_wnd, max_snd_wnd, snd_wl1, snd_wl2;
    uint32_t fin_seq;              /* valid when fin_queued */
    bool fin_queued;
    struct tcp_sndq sbuf;
    uint32_t sndbuf;               /* payload bytes the send buffer may hold now */
    bool snd_locked;               /* set per socket: no growth (tcp_sndbuf.c) */
    bool want_writable;

    /* receive side */
    uint32_t irs, rcv_nxt, rcv_adv;   /* rcv_adv: right edge advertised */
    struct tcp_ring rbuf;
    uint32_t rcvbuf;               /* Linux's sk_rcvbuf; the window is half of it (tcp_rcvbuf.c) */
    bool rcv_locked;               /* set per socket: no autotuning */
    uint16_t rcv_mss;              /* the peer's segment size as seen (Linux icsk_ack.rcv_mss) */
    uint32_t copied;               /* bytes the app has taken (Linux copied_seq, relative) */
    bool dsack_pending;            /* the next SACK option reports `dsack` first (RFC 2883) */
    struct tcp_range dsack;
    struct {
        sim_time_t rtt8;           /* receiver's RTT estimate x 8, 0 none (rcv_rtt_est) */
        uint32_t last_tsecr, seq;  /* last echo used; window-based measure's end */
        sim_time_t time;           /* window-based measure's start */
    } rcv_rtt;
    struct {
        uint32_t space;            /* bytes copied in the last measured RTT (rcvq_space) */
        uint32_t copied;           /* `copied` when this measure began */
        sim_time_t time;
    } rcvq;
    struct tcp_reasm ooo;
    bool fin_rcvd;                 /* a FIN was seen at rcv_fin_seq */
    uint32_t rcv_fin_seq;
    bool eof_done, eof_pending, paused;
    unsigned delack_segs;          /* full segments not yet acked */
    sim_time_t ato, lrcvtime;      /* delayed-ACK timeout, last data arrival (tcp_delack.c) */
    unsigned quick;                /* ACKs still to send at once (quickack mode) */
    bool pingpong;                 /* interactive: no quickacks */
    sim_time_t lsndtime;           /* last data sent (slow start after idle, CUBIC's epoch) */
    bool ack_now;

    /* options */
    uint16_t mss;                  /* send MSS (no options subtracted) */
    uint16_t adv_mss;              /* what we announced */
    uint16_t syn_wnd;              /* the window in our SYN or SYN-ACK */
    uint16_t mss_clamp;
    uint8_t snd_wscale, rcv_wscale;
    bool ws_ok, sack_ok, ts_ok, nodelay;
    uint32_t ts_recent;

    /* timing and congestion */
    struct tcp_rtt rtt;
    bool rtt_timing;
    uint32_t rtt_seq;
    sim_time_t rtt_start;
    const struct tcp_cc_ops *cc_ops;
    struct tcp_cc cc;
    struct tcp_txlog txlog;        /* send times of new data, for per-ACK RTT samples */
    bool in_recovery;
    uint32_t recover;
    uint32_t prior_cwnd, prr_delivered, prr_out;   /* PRR (tcp_prr.c), bytes */
    struct tcp_undo undo;
    uint32_t tlp_high_seq;         /* snd_max when a probe went out, 0 none */
    bool tlp_retrans;              /* that probe was a retransmission */
    sim_time_t min_rtt;            /* smallest per-ACK RTT sample, 0 none */
    struct tcp_reasm sacked;       /* SACK scoreboard: ranges above snd_una */
    uint32_t rexmit_nxt;           /* holes below it were retransmitted this recovery */
    struct tcp_rexmit_log rexmits; /* this recovery's retransmissions, for RACK */
    unsigned dupacks;
    unsigned retries;              /* consecutive timeouts */

    struct rt_timer rtx_timer;     /* RTO, SYN retry, persist, TIME_WAIT, FIN_WAIT_2 */
    enum tcp_timer_mode tmode;
    struct rt_timer delack_timer;

    sim_time_t last_oow_ack;       /* rate limit of ACKs to invalid segments */
    struct {                       /* TCP Small Queues (tcp_tsq.c) */
        struct pkt_owner owner;    /* the socket's charge on its segments */
        uint32_t wmem;             /* charged bytes below the socket (Linux sk_wmem_alloc) */
        bool throttled;            /* held back: a completion sends again */
        bool in_output;            /* inside tcp_output: no wake from a completion */
    } tsq;
    unsigned busy;                 /* inside stack code: defer the free */
    bool dead;
    struct tcp_sock_stats stats;
};

#define TCP_PORT_TABLE 256         /* RFC 6056 algorithm 4's TABLE_LENGTH */

struct tcp_stack {
    struct host *h;
    struct tcp_config cfg;
    uint64_t port_secret;          /* ephemeral port selection */
    uint64_t isn_secret;           /* initial sequence numbers */
    uint32_t port_next[TCP_PORT_TABLE];
    struct tcp_sock **conns;       /* hash by 4-tuple, chained */
    uint32_t conn_mask, nconns;
    struct tcp_sock *listeners[TCP_LISTEN_BUCKETS];
    struct tcp_stack_stats stats;
};

/* The initial send sequence number for s's 4-tuple now (RFC 6528). */
uint32_t tcp_isn(const struct tcp_sock *s);
static inline struct rt *tcp_rt(const struct tcp_sock *s) { return s->st->h->rt; }
static inline sim_time_t tcp_now(const struct tcp_sock *s) { return rt_now(s->st->h->rt); }
/* Entry points (input, timers, app calls that may free) hold the socket so a
 * free from inside a callback is deferred until they return. */
static inline void tcp_hold(struct tcp_sock *s) { s->busy++; }
void tcp_release(struct tcp_sock *s);

static inline bool tcp_synchronized(const struct tcp_sock *s) { return s->state >= TCP_ESTABLISHED; }

/* tcp_sock.c */
struct tcp_sock *tcp_sock_alloc(struct tcp_stack *st, const struct tcp_sock_opts *o);
void tcp_sock_hash(struct tcp_sock *s);
struct tcp_sock *tcp_lookup(struct tcp_stack *st, uint32_t laddr, uint16_t lport,
                            uint32_t raddr, uint16_t rport);
struct tcp_sock *tcp_lookup_listener(struct tcp_stack *st, uint32_t laddr, uint16_t lport);
/* The connection is over: report it (if the app still listens) and free. */
void tcp_sock_done(struct tcp_sock *s, enum tcp_close_reason why);
/* Free without a report (unhash, cancel timers; deferred while busy). */
void tcp_sock_destroy(struct tcp_sock *s);
/* Enter TIME_WAIT: report a normal close, drop buffers, arm 2 MSL. */
void tcp_enter_time_wait(struct tcp_sock *s);
/* Pick the MSS values and window scale for a new connection. */
void tcp_setup_mss(struct tcp_sock *s);
void tcp_cc_start(struct tcp_sock *s);
/* Deliver buffered data to the app (unless paused), then eof if due. */
void tcp_deliver(struct tcp_sock *s);
void tcp_check_writable(struct tcp_sock *s);
/* The handshake completed: ESTABLISHED (or FIN_WAIT_1 if shut down early). */
void tcp_become_established(struct tcp_sock *s);

/* tcp_output.c */
uint32_t tcp_rcv_window(struct tcp_sock *s);
/* One segment: payload [seq, seq + len) from the send buffer. */
void tcp_xmit(struct tcp_sock *s, uint32_t seq, uint32_t len, uint8_t flags);
void tcp_output(struct tcp_sock *s);
void tcp_send_ack(struct tcp_sock *s);
/* An ACK answering an invalid segment (out of window, bad ACK, challenge):
 * for segments without data at most one per 500 ms, as Linux's
 * tcp_invalid_ratelimit, so two confused ends cannot ACK each other forever. */
void tcp_send_oow_ack(struct tcp_sock *s, bool seg_has_data);
void tcp_send_syn(struct tcp_sock *s);      /* SYN or SYN-ACK by state */
void tcp_send_rst(struct tcp_sock *s);
/* Retransmit the segment at snd_una. */
void tcp_retransmit_head(struct tcp_sock *s);
/* Retransmit the next hole not yet retransmitted in this recovery: below
 * the highest SACKed byte, or at snd_una without SACK; false if none. */
bool tcp_retransmit_next(struct tcp_sock *s);
/* Send at most one segment of new data as tcp_output would. */
void tcp_output_one(struct tcp_sock *s);
/* Retransmit [seq, seq + len) (with the FIN if it ends there). */
void tcp_retransmit_range(struct tcp_sock *s, uint32_t seq, uint32_t len);
/* RST answering a segment that has no connection (data at the TCP header). */
void tcp_send_reset_reply(struct tcp_stack *st, const struct pkt *in, uint32_t tcp_len);
/* Payload room of a full segment now (MSS less the options). */
uint32_t tcp_seg_room(const struct tcp_sock *s);

/* tcp_timer.c */
void tcp_timers_init(struct tcp_sock *s);
void tcp_timers_cancel(struct tcp_sock *s);
void tcp_arm_rto(struct tcp_sock *s);       /* (re)arm from now */
void tcp_arm_mode(struct tcp_sock *s, enum tcp_timer_mode m, sim_time_t delay);
void tcp_stop_rtx(struct tcp_sock *s);
void tcp_schedule_ack(struct tcp_sock *s);  /* delayed ACK bookkeeping */

/* tcp_prr.c */
/* SACKed bytes from snd_una up to `below`. */
uint32_t tcp_sacked_bytes(const struct tcp_sock *s, uint32_t below);
/* Bytes in the network (Linux's tcp_packets_in_flight, in bytes). */
uint32_t tcp_in_flight(const struct tcp_sock *s);
/* snd_una plus what is SACKed (or dupacks x MSS without SACK): its growth
 * over an ACK is what the ACK reports delivered. */
uint32_t tcp_delivered_mark(const struct tcp_sock *s);
void tcp_enter_recovery(struct tcp_sock *s);
/* snd_una passed the recovery point: the window to ssthresh, unless the
 * reduction is undone (tsecr: the ACK's timestamp echo, 0 none). */
void tcp_end_recovery(struct tcp_sock *s, uint32_t tsecr);
/* Out of recovery, the window as it is (an undo set it). */
void tcp_leave_recovery(struct tcp_sock *s);
/* An ACK in recovery reported `delivered` bytes: set cwnd by PRR. */
void tcp_prr_ack(struct tcp_sock *s, uint32_t delivered, bool una_advanced);

/* tcp_rack.c */
/* Data is outstanding: arm the tail loss probe, or else the RTO. */
void tcp_set_xmit_timer(struct tcp_sock *s);
void tcp_tlp_fire(struct tcp_sock *s);
/* An ACK arrived while a probe may be out. */
void tcp_tlp_ack(struct tcp_sock *s, uint32_t ack, bool una_advanced, bool dupack);
/* Outside recovery: true when a loss is detected now (recovery should
 * start); may arm the reordering timer. */
bool tcp_rack_detect(struct tcp_sock *s);
sim_time_t tcp_rack_reo_wnd(const struct tcp_sock *s);
void tcp_rack_reo_fire(struct tcp_sock *s);

/* tcp_rack_rexmit.c */
void tcp_rack_rexmit_clear(struct tcp_sock *s);
void tcp_rack_rexmit_free(struct tcp_sock *s);
/* [seq, seq + len) was retransmitted in recovery. */
void tcp_rack_rexmit_note(struct tcp_sock *s, uint32_t seq, uint32_t len);
/* An ACK in recovery: mark the retransmissions it shows lost. */
void tcp_rack_rexmit_detect(struct tcp_sock *s);
/* After an ACK's timers: arm the reordering timer if detect left one waiting. */
void tcp_rack_rexmit_arm(struct tcp_sock *s);
/* Bytes of lost retransmissions not yet sent again (not in flight). */
uint32_t tcp_rack_rexmit_lost_bytes(const struct tcp_sock *s);
/* Send the first lost retransmission again (one segment); false if none. */
bool tcp_rack_rexmit_resend(struct tcp_sock *s);

/* tcp_tsq.c */
/* About what Linux's skb truesize adds to the payload: the sk_buff, its
 * shared info and the header room. */
#define TCP_TSQ_SKB_OVERHEAD 768u
void tcp_tsq_init(struct tcp_sock *s);
/* Charge a data segment to s until the device completes it or it is freed. */
void tcp_tsq_charge(struct tcp_sock *s, struct pkt *p, uint32_t payload);
/* Before sending a segment (factor 1 for a retransmission): true when s has
 * too much below it already and must wait for a completion. */
bool tcp_tsq_throttle(struct tcp_sock *s, unsigned factor);
/* Whether the socket's memory must wait for its segments' completions. */
static inline bool tcp_tsq_holds(const struct tcp_sock *s) { return s->tsq.wmem != 0; }

/* tcp_undo.c */
/* Fast recovery begins (before the window is cut): remember what to restore. */
void tcp_undo_start(struct tcp_sock *s);
/* [seq, seq + len) was sent again. */
void tcp_undo_retransmitted(struct tcp_sock *s, uint32_t seq, uint32_t len);
/* Whether the first SACK block of an ACK (options o, cumulative ack) is a
 * D-SACK (counted, and set against the retransmissions); prior_una:
 * snd_una before this ACK. */
bool tcp_undo_dsack(struct tcp_sock *s, const struct tcp_opts *o, uint32_t ack, uint32_t prior_una);
/* Undo if every retransmission was D-SACKed; true if it did. */
bool tcp_undo_by_dsack(struct tcp_sock *s);
/* Recovery ends: undo if the retransmissions were all D-SACKed or the ACK's
 * timestamp echo predates the first (tsecr 0: none); true if it did. */
bool tcp_undo_at_recovery_end(struct tcp_sock *s, uint32_t tsecr);
/* A timeout: this episode can no longer be undone. */
void tcp_undo_forget(struct tcp_sock *s);

/* TCP's timestamp clock: 1 ms ticks, as Linux. */
static inline uint32_t tcp_ts_clock(const struct tcp_sock *s) { return (uint32_t)(tcp_now(s) / SIM_MS); }

/* tcp_idle.c */
/* Before sending: after an idle RTO, back toward the initial window. */
void tcp_cwnd_restart_check(struct tcp_sock *s);
/* Data left, new or resent: tell the congestion control an idle spell
 * ended (CA_EVENT_TX_START) and stamp lsndtime, as tcp_event_data_sent. */
void tcp_idle_data_sent(struct tcp_sock *s);

/* tcp_delack.c */
/* Data arrived: ato, quickack mode (may set ack_now). */
void tcp_event_data_recv(struct tcp_sock *s);
void tcp_event_ack_sent(struct tcp_sock *s);
/* New data left: a quick answer makes the connection interactive. */
void tcp_event_data_sent(struct tcp_sock *s);
sim_time_t tcp_delack_timeout(const struct tcp_sock *s);
/* The delayed-ACK timer fired with an ACK pending. */
void tcp_delack_fired(struct tcp_sock *s);

/* tcp_input.c */
void tcp_input(void *ctx, struct host *h, struct pkt *p);
void tcp_icmp_error(void *ctx, struct host *h, uint8_t type, uint8_t code, uint32_t info,
                    const uint8_t *quoted, uint32_t quoted_len);

#endif
