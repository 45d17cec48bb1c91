/* IP identification as Linux chooses it: a TCP connection's own counter,
 * 0 for other datagrams with DF (a SYN-ACK, a tunnel's outer header), and
 * hashed counters that jump after an idle tick; the same seed, the same ids. */
#include <criterion/criterion.h>

#include "net/ip_ident.h"

#define SRC 0x0a000001u
#define DST 0x0a000002u

static const uint8_t ack_seg[20] = { 0x30, 0x39, 0x00, 0x50, [13] = 0x10 };    /* 12345 > 80, ACK */
static const uint8_t other_seg[20] = { 0x30, 0x3a, 0x00, 0x50, [13] = 0x10 };  /* 12346 > 80 */
static const uint8_t synack_seg[20] = { 0x00, 0x50, 0x30, 0x39, [13] = 0x12 };

static struct ip_ident g;

Test(ip_ident, a_connection_counts_up_from_its_own_start)
{
    ip_ident_init(&g, 42);
    uint16_t a0 = ip_ident_select(&g, 0, SRC, DST, 6, true, ack_seg, 20);
    uint16_t b0 = ip_ident_select(&g, 0, SRC, DST, 6, true, other_seg, 20);
    for (uint16_t i = 1; i < 5; i++) {
        cr_assert_eq(ip_ident_select(&g, i * SIM_S, SRC, DST, 6, true, ack_seg, 20), (uint16_t)(a0 + i));
        cr_assert_eq(ip_ident_select(&g, i * SIM_S, SRC, DST, 6, true, other_seg, 20), (uint16_t)(b0 + i));
    }
    cr_assert_neq(a0, b0, "two connections start apart");
}

Test(ip_ident, df_without_a_connection_is_zero)
{
    ip_ident_init(&g, 42);
    cr_assert_eq(ip_ident_select(&g, 0, DST, SRC, 6, true, synack_seg, 20), 0, "SYN-ACK");
    cr_assert_eq(ip_ident_select(&g, 0, SRC, DST, 4, true, NULL, 0), 0, "tunnel outer header with DF");
    cr_assert_eq(ip_ident_select(&g, 0, SRC, DST, 17, true, NULL, 0), 0);
}

Test(ip_ident, without_df_a_hashed_counter_jumps_after_idle_ticks)
{
    ip_ident_init(&g, 42);
    sim_time_t t = 10 * SIM_S;
    uint16_t first = ip_ident_select(&g, t, SRC, DST, 17, false, NULL, 0);
    cr_assert_eq(ip_ident_select(&g, t, SRC, DST, 17, false, NULL, 0), (uint16_t)(first + 1), "same tick: +1");
    bool jumped = false;
    uint16_t last = (uint16_t)(first + 1);
    for (int i = 1; i <= 20; i++) {
        uint16_t id = ip_ident_select(&g, t + i * SIM_S, SRC, DST, 17, false, NULL, 0);
        jumped |= id != (uint16_t)(last + 1);
        last = id;
    }
    cr_assert(jumped, "a second idle (250 ticks) draws a random step");
    struct ip_ident again;
    ip_ident_init(&again, 42);
    cr_assert_eq(ip_ident_select(&again, t, SRC, DST, 17, false, NULL, 0), first, "same seed, same ids");
}
