/* The names of the kinds of work a host counts (net/work.h). */
#include "net/work.h"

const char *host_work_name(enum host_work w)
{
    static const char *const names[WORK_KINDS] = {
        [WORK_CONN_HIT] = "conn_hit", [WORK_CONN_MISS] = "conn_miss", [WORK_SCHEDULE] = "schedule", [WORK_CONN_NEW] = "conn_new",
        [WORK_PERSIST] = "persist", [WORK_XMIT_NAT] = "xmit_nat", [WORK_XMIT_DR] = "xmit_dr",
        [WORK_XMIT_TUN] = "xmit_tun", [WORK_XMIT_FULLNAT] = "xmit_fullnat", [WORK_REPLY_NAT] = "reply_nat",
        [WORK_REPLY_FULLNAT] = "reply_fullnat", [WORK_TOA] = "toa", [WORK_SYNPROXY_SYN] = "synproxy_syn",
        [WORK_SYNPROXY_ACK] = "synproxy_ack", [WORK_SYNC_CONN] = "sync_conn", [WORK_IPIP_DECAP] = "ipip_decap",
        [WORK_CSUM_BYTE] = "csum_byte",
    };
    return (unsigned)w < WORK_KINDS ? names[w] : "?";
}
