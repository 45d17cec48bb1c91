/* The kernel's TCP state table for IPVS connections and its timeouts. */
#include "lvs/proto_tcp.h"

#include "net/hdr.h"

#define sNO IPVS_TCP_NONE
#define sES IPVS_TCP_ESTABLISHED
#define sSS IPVS_TCP_SYN_SENT
#define sSR IPVS_TCP_SYN_RECV
#define sFW IPVS_TCP_FIN_WAIT
#define sTW IPVS_TCP_TIME_WAIT
#define sCL IPVS_TCP_CLOSE
#define sCW IPVS_TCP_CLOSE_WAIT
#define sLA IPVS_TCP_LAST_ACK
#define sLI IPVS_TCP_LISTEN
#define sSA IPVS_TCP_SYNACK

/* [direction][syn, fin, ack, rst][current state] */
static const uint8_t next_state[3][4][IPVS_TCP_STATES] = {
    [IPVS_DIR_INPUT] = {
        /*        sNO  sES  sSS  sSR  sFW  sTW  sCL  sCW  sLA  sLI  sSA */
        /* syn */ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
        /* fin */ { sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW },
        /* ack */ { sCL, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
        /* rst */ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR },
    },
    [IPVS_DIR_OUTPUT] = {
        /* syn */ { sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR },
        /* fin */ { sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW },
        /* ack */ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES },
        /* rst */ { sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL },
    },
    [IPVS_DIR_INPUT_ONLY] = {
        /* syn */ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
        /* fin */ { sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW },
        /* ack */ { sCL, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
        /* rst */ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
    },
};

/* tcp_state_active_table: since Linux 4.8 ("ipvs: count pre-established
 * TCP states as active") a connection in its handshake counts as active, so
 * that a burst of new connections weighs on the least-connection
 * schedulers; before, only ESTABLISHED did (sysctl.tcp_active_established_only). */
static const bool active_state[IPVS_TCP_STATES] = {
    [sES] = true, [sSS] = true, [sSR] = true, [sSA] = true,
};

static const uint32_t default_timeout_s[IPVS_TCP_STATES] = {
    [sNO] = 2, [sES] = 15 * 60, [sSS] = 2 * 60, [sSR] = 60, [sFW] = 2 * 60, [sTW] = 2 * 60,
    [sCL] = 10, [sCW] = 60, [sLA] = 30, [sLI] = 2 * 60, [sSA] = 120,
};

const char *ipvs_tcp_state_name(int state)
{
    static const char *const names[IPVS_TCP_STATES] = {
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT",
        "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
    };
    return state >= 0 && state < IPVS_TCP_STATES ? names[state] : "ERR!";
}

uint32_t ipvs_tcp_timeout_ms(const struct ipvs *ipvs, int state)
{
    if (state == sES)
        return ipvs->timeouts.tcp * 1000u;
    if (state == sFW)
        return ipvs->timeouts.tcpfin * 1000u;
    return default_timeout_s[state] * 1000u;
}

/* tcp_state_idx: RST over SYN over FIN over ACK; none of them: -1. */
static int flag_index(uint8_t flags)
{
    if (flags & TCP_RST)
        return 3;
    if (flags & TCP_SYN)
        return 0;
    if (flags & TCP_FIN)
        return 1;
    if (flags & TCP_ACK)
        return 2;
    return -1;
}

void ipvs_tcp_transition_table(struct ipvs *ipvs, struct ipvs_conn *cp, enum ipvs_dir dir, uint8_t tcp_flags)
{
    if (cp->flags & IPVS_CONN_F_NOOUTPUT) {
        if (dir == IPVS_DIR_OUTPUT)
            cp->flags &= ~IPVS_CONN_F_NOOUTPUT;
        else
            dir = IPVS_DIR_INPUT_ONLY;
    }
    int idx = flag_index(tcp_flags);
    int new_state = idx < 0 ? sCL : next_state[dir][idx][cp->state];
    struct ipvs_dest *d = cp->dest;
    if (new_state != cp->state && d) {
        bool active = ipvs->sysctl.tcp_active_established_only ? new_state == sES : active_state[new_state];
        if (!(cp->flags & IPVS_CONN_F_INACTIVE) && !active) {
            d->activeconns--;
            d->inactconns++;
            cp->flags |= IPVS_CONN_F_INACTIVE;
        } else if ((cp->flags & IPVS_CONN_F_INACTIVE) && active) {
            d->activeconns++;
            d->inactconns--;
            cp->flags &= ~IPVS_CONN_F_INACTIVE;
        }
    }
    if (new_state == sES && new_state != cp->state)
        ipvs_conn_assure_template(cp);
    cp->state = (uint8_t)new_state;
    cp->timeout_ms = ipvs_tcp_timeout_ms(ipvs, new_state);
}
