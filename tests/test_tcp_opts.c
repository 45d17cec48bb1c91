/* Unit tests: TCP sequence arithmetic and option parsing/building. */
#include <criterion/criterion.h>
#include <string.h>

#include "net/hdr.h"
#include "net/tcp_opts.h"
#include "net/tcp_seq.h"

Test(tcp_seq, wraps_around)
{
    cr_assert(tcp_seq_lt(0xfffffff0u, 0x10u));
    cr_assert(tcp_seq_gt(0x10u, 0xfffffff0u));
    cr_assert(tcp_seq_leq(5, 5) && tcp_seq_geq(5, 5));
    cr_assert(!tcp_seq_lt(5, 5));
    cr_assert_eq(tcp_seq_max(0xfffffff0u, 0x10u), 0x10u);
    cr_assert_eq(tcp_seq_min(0xfffffff0u, 0x10u), 0xfffffff0u);
    cr_assert(tcp_seq_in(0x2u, 0xfffffffeu, 0x10u));
    cr_assert(!tcp_seq_in(0x10u, 0xfffffffeu, 0x10u));
    cr_assert(!tcp_seq_in(0xfffffffdu, 0xfffffffeu, 0x10u));
}

Test(tcp_opts, syn_options_roundtrip_in_linux_layout)
{
    struct tcp_opts o = { .mss = 1460, .wscale = 7, .sack_ok = true, .ts = true,
                          .tsval = 0x01020304, .tsecr = 0 };
    uint8_t b[TCP_MAX_OPT_LEN];
    unsigned n = tcp_opts_build(b, &o);
    cr_assert_eq(n, 20);
    /* MSS, SACK_PERM, TS, NOP, WS: what Linux puts in a SYN */
    const uint8_t want[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7 };
    cr_assert_arr_eq(b, want, 20);
    struct tcp_opts p;
    cr_assert(tcp_opts_parse(b, n, &p));
    cr_assert_eq(p.mss, 1460);
    cr_assert_eq(p.wscale, 7);
    cr_assert(p.sack_ok && p.ts);
    cr_assert_eq(p.tsval, 0x01020304u);
    cr_assert_eq(p.nsack, 0);
}

Test(tcp_opts, sack_blocks_fit_with_timestamps)
{
    struct tcp_opts o = { .wscale = -1, .ts = true, .tsval = 9, .tsecr = 8, .nsack = 4 };
    for (int i = 0; i < 4; i++)
        o.sack[i] = (struct tcp_range){ 1000u * (i + 1), 1000u * (i + 1) + 500 };
    uint8_t b[TCP_MAX_OPT_LEN];
    unsigned n = tcp_opts_build(b, &o);
    cr_assert_eq(n % 4, 0);
    cr_assert_leq(n, TCP_MAX_OPT_LEN);
    struct tcp_opts p;
    cr_assert(tcp_opts_parse(b, n, &p));
    cr_assert_eq(p.nsack, 3, "only 3 blocks fit next to timestamps");
    cr_assert_eq(p.sack[0].start, 1000);
    cr_assert_eq(p.sack[2].end, 3500);
    cr_assert_eq(p.tsecr, 8);
    cr_assert_eq(p.wscale, -1);
}

Test(tcp_opts, malformed_lengths_stop_the_parse)
{
    struct tcp_opts p;
    const uint8_t zero_len[] = { 2, 0, 5, 0xb4 };
    cr_assert_not(tcp_opts_parse(zero_len, sizeof zero_len, &p));
    const uint8_t past_end[] = { 1, 1, 8, 10, 0, 0 };
    cr_assert_not(tcp_opts_parse(past_end, sizeof past_end, &p));
    const uint8_t bad_mss_len[] = { 2, 3, 5, 1 };
    cr_assert_not(tcp_opts_parse(bad_mss_len, sizeof bad_mss_len, &p));
    cr_assert_eq(p.mss, 0);
    const uint8_t lone_kind[] = { 1, 1, 1, 2 };
    cr_assert_not(tcp_opts_parse(lone_kind, sizeof lone_kind, &p));
    /* good MSS then garbage: the MSS is kept */
    const uint8_t half[] = { 2, 4, 2, 0, 3, 9 };
    cr_assert_not(tcp_opts_parse(half, sizeof half, &p));
    cr_assert_eq(p.mss, 512);
}

Test(tcp_opts, eol_unknown_and_big_wscale)
{
    struct tcp_opts p;
    const uint8_t b[] = { 254, 8, 0, 80, 10, 0, 0, 1, 3, 3, 20, 0, 2, 4, 1, 1 };
    cr_assert(tcp_opts_parse(b, sizeof b, &p));
    cr_assert_eq(p.wscale, TCP_MAX_WSCALE, "a shift above 14 is taken as 14 (RFC 7323)");
    cr_assert_eq(p.mss, 0, "nothing after EOL is read");
}
