/*
 * Send-buffer sizing for a TCP socket, as Linux: tcp_wmem[1] at creation,
 * then tcp_sndbuf_expand at the handshake and whenever an ACK frees room
 * while the app waits and the window is not full. Internal to TCP.
 */
#ifndef NET_TCP_SNDBUF_H
#define NET_TCP_SNDBUF_H

#include <stdint.h>

struct tcp_sock;

/* tcp_wmem[1], or locked_bytes (SO_SNDBUF) when not 0. */
void tcp_sndbuf_init(struct tcp_sock *s, uint32_t locked_bytes);
/* Grow to two windows' worth of segments (tcp_sndbuf_expand). */
void tcp_sndbuf_expand(struct tcp_sock *s);
/* An ACK freed room: grow if the app is limited by the buffer, not the
 * window (tcp_new_space / tcp_should_expand_sndbuf). */
void tcp_sndbuf_new_space(struct tcp_sock *s);

#endif
