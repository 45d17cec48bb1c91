/*
 * Receive-buffer sizing and autotuning for a TCP socket, as Linux
 * (tcp_select_initial_window, tcp_init_buffer_space, tcp_rcv_rtt_measure,
 * tcp_rcv_space_adjust). Internal to the TCP files.
 */
#ifndef NET_TCP_RCVBUF_H
#define NET_TCP_RCVBUF_H

#include <stdbool.h>
#include <stdint.h>

struct tcp_sock;

/* The buffer at socket creation: tcp_rmem[1], or locked_bytes of window
 * (SO_RCVBUF) when not 0. */
void tcp_rcvbuf_init(struct tcp_sock *s, uint32_t locked_bytes);
/* The SYN's window (adv_mss set) and the scale we announce. */
uint16_t tcp_select_initial_window(struct tcp_sock *s, bool wscale_ok, uint8_t *wscale);
/* The handshake completed: start the autotuning measure. */
void tcp_rcvbuf_established(struct tcp_sock *s);
/* The window the buffer allows when empty (tcp_full_space), and the most
 * the buffer may ever hold (for the ring's limit). */
uint32_t tcp_rcvbuf_window_space(const struct tcp_sock *s);
uint32_t tcp_rcvbuf_max_bytes(const struct tcp_sock *s);
/* An in-order segment of len bytes arrived (its timestamp echo if any). */
void tcp_rcv_rtt_measure(struct tcp_sock *s, uint32_t len, bool has_ts, uint32_t tsecr);
/* The app took data: once per receiver RTT, grow the buffer (DRS). */
void tcp_rcv_space_adjust(struct tcp_sock *s);

#endif
