/*
 * TCP sockets for applications (RFC 9293): a callback API in the style of
 * lwIP's raw API. The stack calls the application back when a connection is
 * accepted or connected, when data arrives, when the peer has finished
 * sending (eof), when the send buffer has room again after tcp_send() could
 * not take everything (back-pressure), and once when the connection is over
 * (closed). After closed() returns, or after the app calls tcp_close() or
 * tcp_abort(), the app must not use the socket again: the stack owns it (it
 * may linger in TIME_WAIT) and frees it.
 *
 * State for the whole host (connection table, listeners, settings) is a
 * struct tcp_stack at host->tcp, created by tcp_stack_init() from host_new().
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/simtime.h"
#include "net/host.h"

struct tcp_sock;

enum tcp_state {
    TCP_CLOSED, TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RECEIVED, TCP_ESTABLISHED,
    TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_CLOSE_WAIT, TCP_CLOSING, TCP_LAST_ACK,
    TCP_TIME_WAIT, TCP_STATES
};

enum tcp_close_reason {
    TCP_CLOSE_NORMAL,      /* both FINs exchanged */
    TCP_CLOSE_RESET,       /* the peer reset the connection */
    TCP_CLOSE_TIMEOUT,     /* SYN or data retries ran out */
    TCP_CLOSE_REFUSED,     /* RST or ICMP unreachable in answer to our SYN */
};

const char *tcp_close_reason_name(enum tcp_close_reason r);

struct tcp_callbacks {
    /* A connection on a listener completed its handshake. Returns the ctx
     * for the new socket, which takes the listener's callbacks (change them
     * with tcp_set_callbacks). */
    void *(*accepted)(void *listen_ctx, struct tcp_sock *listener, struct tcp_sock *s);
    /* Our tcp_connect() completed. */
    void (*connected)(void *ctx, struct tcp_sock *s);
    /* In-order data. Return how many bytes the app consumed; if fewer than
     * len, the rest stays buffered (the receive window closes as the buffer
     * fills) and no more is delivered until tcp_recv_resume(). */
    size_t (*received)(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len);
    /* The peer sent FIN and every byte before it was delivered. */
    void (*eof)(void *ctx, struct tcp_sock *s);
    /* tcp_send() took less than asked; the send buffer has room again. */
    void (*writable)(void *ctx, struct tcp_sock *s);
    /* The connection is over; the last callback. */
    void (*closed)(void *ctx, struct tcp_sock *s, enum tcp_close_reason why);
};

/* Settings for the whole stack; new sockets copy them. */
struct tcp_config {
    uint32_t rmem[3];          /* net.ipv4.tcp_rmem: min, default, max (4096 131072 6291456) */
    uint32_t wmem[3];          /* net.ipv4.tcp_wmem: min, default, max (4096 16384 4194304) */
    bool moderate_rcvbuf;      /* receive-buffer autotuning (on, as Linux) */
    bool slow_start_after_idle;   /* back to the initial window after an idle RTO (on) */
    char cc[16];               /* congestion control name, default "cubic" */
    bool nodelay;              /* disable Nagle (default false) */
    uint16_t mss_clamp;        /* 0: none; else the largest MSS we announce and use */
    bool window_scaling, sack, timestamps;   /* all on, as Linux */
    bool dsack;                /* report duplicates in SACK blocks (RFC 2883; on, as Linux) */
    int syn_retries;           /* 6, as Linux net.ipv4.tcp_syn_retries */
    int synack_retries;        /* 5, as Linux */
    int retries2;              /* 15 data retransmissions before giving up */
    uint32_t init_cwnd_segs;   /* 10 (RFC 6928, Linux) */
    sim_time_t msl;            /* 30 s, so TIME_WAIT (2 MSL) lasts Linux's 60 s */
    sim_time_t ato_min, delack_max;   /* delayed-ACK timeout bounds: 40 ms, 200 ms (Linux) */
    sim_time_t rto_init, rto_min, rto_max;   /* 1 s, 200 ms (Linux), 120 s */
    sim_time_t fin_timeout;    /* orphaned FIN_WAIT_2 lifetime, 60 s */
    uint32_t limit_output_bytes;   /* net.ipv4.tcp_limit_output_bytes: TCP Small Queues' cap, 4 MiB */
};

/* Per-socket overrides; zero fields take the stack's setting. A buffer size
 * set here is fixed (no autotuning, as SO_SNDBUF/SO_RCVBUF lock it), in
 * payload bytes. */
struct tcp_sock_opts {
    uint32_t sndbuf, rcvbuf;
    uint16_t mss_clamp;
    const char *cc;
    int nodelay;               /* 0 stack default, 1 on, -1 off */
};

/* Counters of one connection (tcp_sock_stats()). */
struct tcp_sock_stats {
    enum tcp_state state;
    uint64_t retransmits;      /* segments sent again, any cause */
    uint64_t fast_retransmits;
    uint64_t timeouts;         /* RTO expiries (SYN retries included) */
    uint64_t bytes_sent;       /* new payload bytes sent (not retransmissions) */
    uint64_t bytes_acked;
    uint64_t bytes_received;   /* in-order payload bytes delivered or buffered */
    uint64_t segs_in, segs_out;
    uint64_t dupacks_in, ooo_segs_in, zero_window_probes;
    uint64_t tlp_probes;       /* tail loss probes sent */
    uint64_t tlp_recoveries;   /* probes that repaired a loss (window reduced once) */
    uint64_t dsacks_sent;      /* duplicates reported (Linux TCPDSACKOldSent + TCPDSACKOfoSent) */
    uint64_t dsacks_received;  /* D-SACK blocks that came (Linux TCPDSACKRecv) */
    uint64_t undos;            /* recoveries taken back (TCPDSACKUndo + TCPFullUndo) */
    uint64_t lost_retransmits; /* retransmissions RACK found lost (Linux TCPLostRetransmit) */
    uint64_t tsq_throttled;    /* times TCP Small Queues held sending back */
    sim_time_t srtt, rttvar, rto;   /* rttvar: the mean deviation, as tcp_info's tcpi_rttvar */
    uint32_t cwnd, ssthresh, mss, snd_wnd, rcv_wnd;
    uint32_t sndbuf, rcvbuf;   /* the buffers now (they grow by autotuning) */
};

/* Counters of the whole stack. */
struct tcp_stack_stats {
    uint64_t active_opens, passive_opens, established;
    uint64_t resets_sent, resets_received, challenge_acks;
    uint64_t segs_in, segs_out, retransmits;
    /* as Linux's MIB: TCPTimeouts, TCPLossProbes, TCPLossProbeRecovery,
     * TCPSackRecovery (with TCPRenoRecovery: every recovery begun) and
     * TCPLostRetransmit; TCPDSACKOldSent, TCPDSACKOfoSent, TCPDSACKRecv,
     * TCPDSACKUndo and TCPFullUndo */
    uint64_t timeouts, loss_probes, loss_probe_recoveries, recoveries, lost_retransmits;
    uint64_t dsack_old_sent, dsack_ofo_sent, dsack_recv, dsack_undos, full_undos;
    uint64_t backlog_drops;
    uint64_t time_wait_reuse;
    uint64_t paws_rejects;     /* old timestamps (RFC 7323 PAWS) */
    uint64_t conns;            /* sockets alive now (TIME_WAIT included) */
};

/* Create the host's TCP state and register protocol 6 (host_new calls it);
 * freeing aborts every socket without callbacks. */
void tcp_stack_init(struct host *h);
void tcp_stack_free(struct host *h);
/* The stack's settings, to change before sockets are made. */
struct tcp_config *tcp_stack_config(struct host *h);
const struct tcp_stack_stats *tcp_stack_stats(struct host *h);

/* Listen on addr (0: any local address) and port. backlog bounds the
 * connections still in their handshake (SYN_RECEIVED); SYNs beyond it are
 * dropped and counted (DROP_TCP_BACKLOG). NULL if the port is taken. */
struct tcp_sock *tcp_listen(struct host *h, uint32_t addr, uint16_t port, int backlog,
                            const struct tcp_callbacks *cb, void *ctx);

/* Open a connection from src (0: chosen by the route) and an ephemeral port
 * to dst:dport. Sends the SYN at once. NULL if there is no route or no free
 * port. */
struct tcp_sock *tcp_connect(struct host *h, uint32_t src, uint32_t dst, uint16_t dport,
                             const struct tcp_callbacks *cb, void *ctx);
struct tcp_sock *tcp_connect_opts(struct host *h, uint32_t src, uint16_t sport, uint32_t dst,
                                  uint16_t dport, const struct tcp_callbacks *cb, void *ctx,
                                  const struct tcp_sock_opts *o);

/* Copy what fits of data into the send buffer and send what the windows
 * allow; returns the bytes taken (0 once shut down or closed). If it took
 * less than len, writable() is called when room comes back. */
size_t tcp_send(struct tcp_sock *s, const void *data, size_t len);
/* As tcp_send, but nothing is sent yet: the caller's next tcp_send*() call,
 * made at once, sends both (as MSG_MORE holds back a part-filled segment).
 * So a message made of pieces leaves as it would from one buffer. */
size_t tcp_send_more(struct tcp_sock *s, const void *data, size_t len);
/* As tcp_send, but the bytes are lent, not copied: they are read when each
 * segment is built (as sendfile(2) lends page-cache pages), so they must stay
 * unchanged for as long as the socket lives: static or run-long data. */
size_t tcp_send_ref(struct tcp_sock *s, const void *data, size_t len);
/* Bytes made on demand: fill(arg, off, dst, n) writes the n bytes of the
 * generated stream from offset off, each a function of (arg, offset) only. */
struct tcp_gen {
    void (*fill)(uint64_t arg, uint64_t off, uint8_t *dst, size_t n);
    uint64_t arg;
};
/* As tcp_send, for the generated bytes [off, off + len): they take room in
 * the send buffer like copied ones, and no memory until each is sent. */
size_t tcp_send_gen(struct tcp_sock *s, const struct tcp_gen *gen, uint64_t off, size_t len);
/* Room in the send buffer now. */
size_t tcp_send_space(const struct tcp_sock *s);

/* Send FIN after the queued data; receiving goes on. */
void tcp_shutdown(struct tcp_sock *s);
/* Shut down and let go: no more callbacks. Unread received data makes it
 * an abort (RST), as in Linux. A listener stops listening. */
void tcp_close(struct tcp_sock *s);
/* Send RST (if synchronized) and free the socket at once; no callbacks. */
void tcp_abort(struct tcp_sock *s);

/* After received() took less than it was given: deliver what is buffered
 * and reopen the window. */
void tcp_recv_resume(struct tcp_sock *s);

void tcp_set_callbacks(struct tcp_sock *s, const struct tcp_callbacks *cb, void *ctx);
void tcp_set_nodelay(struct tcp_sock *s, bool on);

void tcp_sock_stats(const struct tcp_sock *s, struct tcp_sock_stats *out);
enum tcp_state tcp_sock_state(const struct tcp_sock *s);
/* The client's address and port that a FULLNAT director passed in a TOA
 * option (what Alibaba's toa module gives getpeername on a real server);
 * false when no segment carried one. */
bool tcp_sock_toa(const struct tcp_sock *s, uint32_t *addr, uint16_t *port);
/* The 4-tuple, host order. */
void tcp_sock_addrs(const struct tcp_sock *s, uint32_t *laddr, uint16_t *lport,
                    uint32_t *raddr, uint16_t *rport);

#endif
