/*
 * IPVS's TCP connection states (ip_vs_proto_tcp.c): the state table driven
 * by the flags of each packet and its direction, the default timeouts, and
 * the active/inactive accounting on every change of state (ESTABLISHED and
 * the handshake's states are active, as Linux since 4.8).
 */
#ifndef LVS_PROTO_TCP_H
#define LVS_PROTO_TCP_H

#include "lvs/conn.h"
#include "net/hdr.h"

enum ipvs_tcp_state {
    IPVS_TCP_NONE, IPVS_TCP_ESTABLISHED, IPVS_TCP_SYN_SENT, IPVS_TCP_SYN_RECV,
    IPVS_TCP_FIN_WAIT, IPVS_TCP_TIME_WAIT, IPVS_TCP_CLOSE, IPVS_TCP_CLOSE_WAIT,
    IPVS_TCP_LAST_ACK, IPVS_TCP_LISTEN, IPVS_TCP_SYNACK, IPVS_TCP_STATES
};

/* Which way the packet goes: from the client, from the real server, or
 * from the client on a connection whose replies the director never sees. */
enum ipvs_dir { IPVS_DIR_INPUT, IPVS_DIR_OUTPUT, IPVS_DIR_INPUT_ONLY };

const char *ipvs_tcp_state_name(int state);    /* "ESTABLISHED", as ipvsadm -L -c */

/* The state's timeout in ms; ESTABLISHED and FIN_WAIT follow ipvsadm --set. */
uint32_t ipvs_tcp_timeout_ms(const struct ipvs *ipvs, int state);

/* set_tcp_state: the next state for a packet with these TCP flags, its
 * timeout, and the dest's active/inactive counts moved on a change. */
void ipvs_tcp_transition_table(struct ipvs *ipvs, struct ipvs_conn *cp, enum ipvs_dir dir, uint8_t tcp_flags);

/* The same, with most packets' case inline: an ACK without SYN, FIN or RST
 * on an ESTABLISHED entry stays ESTABLISHED in all three tables, so only
 * its timeout is set (ipvsadm --set may have changed it). Not for a reply
 * on a NOOUTPUT entry: that one clears the flag, as the table path does. */
static inline void ipvs_tcp_transition(struct ipvs *ipvs, struct ipvs_conn *cp, enum ipvs_dir dir,
                                       uint8_t tcp_flags)
{
    if (cp->state == IPVS_TCP_ESTABLISHED && (tcp_flags & (TCP_SYN | TCP_FIN | TCP_RST | TCP_ACK)) == TCP_ACK &&
        !(dir == IPVS_DIR_OUTPUT && (cp->flags & IPVS_CONN_F_NOOUTPUT))) {
        cp->timeout_ms = ipvs->timeouts.tcp * 1000u;
        return;
    }
    ipvs_tcp_transition_table(ipvs, cp, dir, tcp_flags);
}

#endif
