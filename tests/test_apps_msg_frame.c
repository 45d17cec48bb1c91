/* The UDP request/response's datagram framing: a built datagram parses back
 * with its header, a changed body byte is counted, a wrong magic, a length
 * that is not the datagram's or a datagram shorter than the header is no
 * message, and drawn lengths are clamped to [header, max]. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "apps/msg_frame.h"

Test(apps_msg_frame, built_parses_back_and_bad_bytes_count)
{
    uint8_t d[40];
    struct msg_frame h = { MSG_FRAME_MAGIC_RESP, sizeof d, 7, 3 }, got;
    msg_frame_build(d, &h);
    cr_assert_eq(memcmp(d, "LVR1", 4), 0);
    uint64_t bad = 99;
    cr_assert(msg_frame_parse(d, sizeof d, MSG_FRAME_MAGIC_RESP, &got, &bad));
    cr_assert(got.magic == h.magic && got.len == h.len && got.arg == 7 && got.seq == 3);
    cr_assert_eq(bad, 0);
    d[30] ^= 1;
    d[39] ^= 0x80;
    cr_assert(msg_frame_parse(d, sizeof d, MSG_FRAME_MAGIC_RESP, &got, &bad));
    cr_assert_eq(bad, 2);
    cr_assert_not(msg_frame_parse(d, sizeof d, MSG_FRAME_MAGIC_REQ, &got, &bad), "wrong magic");
    cr_assert_not(msg_frame_parse(d, sizeof d - 1, MSG_FRAME_MAGIC_RESP, &got, &bad), "cut short");
    cr_assert_not(msg_frame_parse(d, MSG_FRAME_HDR_LEN - 1, MSG_FRAME_MAGIC_RESP, &got, &bad),
                  "shorter than a header");
}

Test(apps_msg_frame, header_only_datagram)
{
    uint8_t d[MSG_FRAME_HDR_LEN];
    msg_frame_build(d, &(struct msg_frame){ MSG_FRAME_MAGIC_REQ, MSG_FRAME_HDR_LEN, 100, 1 });
    struct msg_frame got;
    uint64_t bad;
    cr_assert(msg_frame_parse(d, sizeof d, MSG_FRAME_MAGIC_REQ, &got, &bad));
    cr_assert(got.arg == 100 && got.seq == 1 && bad == 0);
}

Test(apps_msg_frame, lengths_clamped)
{
    cr_assert_eq(msg_frame_len_clamp(3, 65507), MSG_FRAME_HDR_LEN);
    cr_assert_eq(msg_frame_len_clamp(NAN, 65507), MSG_FRAME_HDR_LEN);
    cr_assert_eq(msg_frame_len_clamp(99.6, 65507), 100);
    cr_assert_eq(msg_frame_len_clamp(1e12, 65507), 65507);
}
