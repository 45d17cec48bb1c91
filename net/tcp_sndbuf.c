/*
 * The send buffer as Linux sizes it (tcp_sndbuf_expand): room for twice
 * max(10, cwnd) segments, each counted at Linux's per-segment memory cost
 * (the MSS plus header room and skb overhead, rounded up to a power of two:
 * 4352 bytes for a 1460 MSS), up to tcp_wmem[2]. The buffer here holds
 * payload bytes: TCP always builds GSO skbs (Linux 4.17, "tcp: switch to
 * GSO being always on"), which carry up to 64 KB each in page fragments, so
 * their overhead is small and sk_wmem_queued is close to the payload queued;
 * the 4352-byte per_mss is Linux's worst case (one MSS per skb), kept as is.
 */
#include "net/tcp_sndbuf.h"

#include "net/tcp_int.h"

#define SKB_HEADROOM 320           /* MAX_TCP_HEADER on x86_64 */
#define SKB_SHINFO 320             /* SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) */
#define SKB_STRUCT 256             /* SKB_DATA_ALIGN(sizeof(struct sk_buff)) */

void tcp_sndbuf_init(struct tcp_sock *s, uint32_t locked_bytes)
{
    const struct tcp_config *c = &s->st->cfg;
    s->snd_locked = locked_bytes != 0;
    s->sndbuf = locked_bytes ? locked_bytes : c->wmem[1];
    if (s->sndbuf < 2048)
        s->sndbuf = 2048;
    tcp_sndq_init(&s->sbuf, s->snd_locked ? s->sndbuf : (c->wmem[2] > s->sndbuf ? c->wmem[2] : s->sndbuf));
}

void tcp_sndbuf_expand(struct tcp_sock *s)
{
    if (s->snd_locked)
        return;
    uint32_t mss = s->mss > s->adv_mss ? s->mss : s->adv_mss;
    uint32_t per_mss = mss + SKB_HEADROOM + SKB_SHINFO;
    uint32_t p2 = 1;
    while (p2 < per_mss)
        p2 <<= 1;
    per_mss = p2 + SKB_STRUCT;
    uint32_t segs = s->cc.mss ? s->cc.cwnd / s->cc.mss : 0;
    if (segs < 10)
        segs = 10;
    uint64_t want = 2ull * segs * per_mss;
    uint32_t max = s->st->cfg.wmem[2];
    if (want > max)
        want = max;
    if (want > s->sndbuf)
        s->sndbuf = (uint32_t)want;
}

void tcp_sndbuf_new_space(struct tcp_sock *s)
{
    if (!s->want_writable || s->snd_locked)
        return;
    uint32_t flight = s->snd_nxt - s->snd_una;
    if (flight >= s->cc.cwnd)
        return;
    tcp_sndbuf_expand(s);
}
