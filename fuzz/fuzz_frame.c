/* libFuzzer: any frame into a host stack with a TCP listener, a UDP
 * socket and an established connection: parsed, used or dropped with a
 * reason, never a crash or a leaked buffer. */
#include <stdint.h>
#include <string.h>

#include "../tests/support/director_rig.h"
#include "net/tcp.h"
#include "net/udp.h"

static void *on_accept(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l, (void)s;
    return ctx;
}

static size_t on_data(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t n)
{
    (void)ctx, (void)s, (void)d;
    return n;
}

static void on_datagram(void *ctx, struct udp_sock *u, uint32_t src, uint16_t sport, uint32_t dst,
                        const uint8_t *d, size_t n)
{
    (void)ctx, (void)u, (void)src, (void)sport, (void)dst, (void)d, (void)n;
}

static const struct tcp_callbacks cb = { .accepted = on_accept, .received = on_data };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct rig r;       /* a host with two interfaces; no IPVS service used */
    static bool ready;
    if (!ready) {
        rig_init(&r, IPVS_FWD_DROUTE, 0, "rr", false);
        tcp_listen(r.h, 0, 22, 16, &cb, NULL);
        udp_bind(r.h, 0, 53, on_datagram, NULL);
        ready = true;
    }
    if (size < 1 || size > 9000)
        return 0;
    struct pkt *p = pkt_alloc(r.pool, (uint32_t)(size - 1));
    memcpy(p->data, data + 1, size - 1);
    netif_input(data[0] & 1 ? r.back : r.front, p);
    sched_run_until(&r.clock, sched_now(&r.clock) + 10 * SIM_MS);
    return 0;
}
