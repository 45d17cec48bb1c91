/*
 * TCP Small Queues, as Linux's tcp_small_queue_check, tcp_wfree and
 * tcp_tsq_write (net/ipv4/tcp_output.c): a socket may have only so many
 * bytes below it, in the host's transmit queue and its NIC, and waits for
 * the transmit completions to send more, instead of filling (and
 * overflowing) the queue with its whole window.
 *
 * Each data segment is charged to its socket (pkt_set_owner) with about
 * Linux's skb truesize, payload plus TCP_TSQ_SKB_OVERHEAD (the sk_buff, its
 * shared info and header room), until the device completes it (pkt_orphan)
 * or it is freed on the way. Pure ACKs are not charged (Linux charges them
 * next to nothing). Before sending a segment the socket compares what it
 * has below (Linux's sk_wmem_alloc) with
 *
 *   limit = min(max(2 x truesize of a GSO packet, pacing rate >> 10),
 *               tcp_limit_output_bytes), doubled for retransmissions,
 *
 * and stops while it has more, unless its retransmission queue is empty or
 * one packet (Linux 6.7's tcp_rtx_queue_empty_or_single_skb). The pacing
 * rate is Linux's tcp_update_pacing_rate: max(cwnd, in flight) / SRTT,
 * times 2 in slow start below half ssthresh, else 1.2 (tcp_pacing_ss_ratio,
 * tcp_pacing_ca_ratio); unbounded before the first RTT sample. Linux always
 * sends GSO packets (since 4.17) sized by tcp_tso_autosize: the pacing rate
 * >> 10 plus 64 KB >> (min RTT / 512 us), at most 64 KB, at least two
 * segments; lvslab sends their segments one by one but takes the limit's
 * packet size from that rule, so the limit is Linux's. A completion gives the
 * charge back; a throttled socket then sends at once (Linux queues it for
 * its TSQ tasklet, which runs in the same softirq).
 *
 * A freed socket that still has segments below stays allocated (dead) until
 * their charges come back, as Linux's sk_wmem_alloc holds the socket.
 */
#include "net/tcp_int.h"

#include <stddef.h>
#include <stdlib.h>

#define TSQ_GSO_MAX 65536u         /* sk_gso_max_size */
#define TSQ_PACING_SHIFT 10        /* sk_pacing_shift: about 1 ms of data */
#define TSQ_RTT_LOG_NS (512 * SIM_US)   /* tcp_tso_rtt_log 9: 512 us */
#define TSQ_SS_RATIO 200           /* tcp_pacing_ss_ratio, % */
#define TSQ_CA_RATIO 120           /* tcp_pacing_ca_ratio, % */

static struct tcp_sock *of_owner(struct pkt_owner *o)
{
    return (struct tcp_sock *)((char *)o - offsetof(struct tcp_sock, tsq.owner));
}

/* Linux's sk_pacing_rate in bytes per second; UINT64_MAX before an RTT. */
static uint64_t pacing_rate(const struct tcp_sock *s)
{
    if (!s->rtt.srtt)
        return UINT64_MAX;
    uint64_t ratio = s->cc.cwnd < s->cc.ssthresh / 2 ? TSQ_SS_RATIO : TSQ_CA_RATIO;
    uint64_t flight = s->snd_max - s->snd_una;
    uint64_t wnd = s->cc.cwnd > flight ? s->cc.cwnd : flight;
    return wnd * ratio * (uint64_t)SIM_S / 100 / (uint64_t)s->rtt.srtt;
}

/* The payload of the GSO packet Linux would build now (tcp_tso_autosize). */
static uint64_t gso_bytes(const struct tcp_sock *s, uint64_t rate)
{
    uint64_t bytes = rate >> TSQ_PACING_SHIFT;
    if (s->min_rtt) {
        uint64_t r = (uint64_t)(s->min_rtt / TSQ_RTT_LOG_NS);
        if (r < 32)
            bytes += TSQ_GSO_MAX >> r;
    }
    if (bytes > TSQ_GSO_MAX)
        bytes = TSQ_GSO_MAX;
    uint64_t mss = tcp_seg_room(s);
    uint64_t segs = bytes / mss;
    return (segs > 2 ? segs : 2) * mss;
}

bool tcp_tsq_throttle(struct tcp_sock *s, unsigned factor)
{
    /* below the smallest limit there is nothing to work out */
    uint32_t floor = 2 * (2 * tcp_seg_room(s) + TCP_TSQ_SKB_OVERHEAD);
    if (s->tsq.wmem <= floor && s->tsq.wmem <= s->st->cfg.limit_output_bytes)
        return false;
    uint64_t rate = pacing_rate(s);
    uint64_t gso = gso_bytes(s, rate);
    uint64_t limit = 2 * (gso + TCP_TSQ_SKB_OVERHEAD);
    if (limit < rate >> TSQ_PACING_SHIFT)
        limit = rate >> TSQ_PACING_SHIFT;
    if (limit > s->st->cfg.limit_output_bytes)
        limit = s->st->cfg.limit_output_bytes;
    limit <<= factor;
    if (s->tsq.wmem <= limit)
        return false;
    /* an empty retransmission queue or a single packet in it: send anyway */
    if (s->snd_max - s->snd_una <= gso)
        return false;
    s->tsq.throttled = true;
    s->stats.tsq_throttled++;
    return true;
}

static void tsq_release(struct pkt_owner *o, uint32_t charge, bool sent)
{
    struct tcp_sock *s = of_owner(o);
    s->tsq.wmem -= charge;
    if (s->dead) {
        if (!s->tsq.wmem && !s->busy)
            free(s);
        return;
    }
    /* a completion wakes a throttled socket (tcp_wfree, tcp_tsq_write);
     * one inside the stack's own code re-checks as it goes */
    if (!sent || !s->tsq.throttled || s->busy || s->tsq.in_output)
        return;
    s->tsq.throttled = false;
    switch (s->state) {
    case TCP_ESTABLISHED: case TCP_FIN_WAIT_1: case TCP_CLOSING: case TCP_CLOSE_WAIT: case TCP_LAST_ACK:
        tcp_hold(s);
        tcp_output(s);
        tcp_release(s);
        break;
    default:
        break;
    }
}

void tcp_tsq_init(struct tcp_sock *s) { s->tsq.owner.release = tsq_release; }

void tcp_tsq_charge(struct tcp_sock *s, struct pkt *p, uint32_t payload)
{
    uint32_t charge = payload + TCP_TSQ_SKB_OVERHEAD;
    s->tsq.wmem += charge;
    pkt_set_owner(p, &s->tsq.owner, charge);
}
