/* libFuzzer: frames into a director in each mode (the first byte picks the
 * mode and the interface): a NAT/DR/TUN/FULLNAT director with live
 * connections takes any frame and drops what it cannot use, never
 * crashing or leaking a packet buffer. */
#include <stdint.h>
#include <string.h>

#include "../tests/support/director_rig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct rig rigs[IPVS_FWD_METHODS];
    static bool ready;
    if (!ready) {
        for (int m = 0; m < IPVS_FWD_METHODS; m++) {
            rig_init(&rigs[m], (enum ipvs_fwd)m, 3, "rr", false);
            for (uint32_t k = 0; k < 8; k++) {
                rig_send(&rigs[m], k, TCP_SYN);
                rig_send(&rigs[m], k, TCP_ACK);
            }
        }
        ready = true;
    }
    if (size < 1 || size > 9000)
        return 0;
    struct rig *r = &rigs[data[0] % IPVS_FWD_METHODS];
    struct netif *nif = data[0] & 0x80 ? r->back : r->front;
    struct pkt *p = pkt_alloc(r->pool, (uint32_t)(size - 1));
    memcpy(p->data, data + 1, size - 1);
    netif_input(nif, p);
    sched_run_until(&r->clock, sched_now(&r->clock) + SIM_MS);
    return 0;
}
