/*
 * TCP options: parsing what a segment carries and building what we send
 * (MSS, window scale, SACK-permitted, SACK blocks, timestamps; RFC 9293,
 * 7323, 2018). Lengths are checked: a malformed option ends the parse and
 * is reported, never read past the header.
 */
#ifndef NET_TCP_OPTS_H
#define NET_TCP_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "net/tcp_reasm.h"

#define TCP_MAX_OPT_LEN 40
#define TCP_MAX_SACK_BLOCKS 4
#define TCP_MAX_WSCALE 14

struct tcp_opts {
    uint16_t mss;          /* 0 if absent */
    int8_t wscale;         /* -1 if absent */
    bool sack_ok;
    bool ts;
    uint32_t tsval, tsecr;
    uint8_t nsack;
    struct tcp_range sack[TCP_MAX_SACK_BLOCKS];
    bool toa;              /* a FULLNAT director's TOA option: the client's address */
    uint32_t toa_addr;
    uint16_t toa_port;
};

/* Parse len bytes of options; false if one was malformed (what was parsed
 * before it is kept). */
bool tcp_opts_parse(const uint8_t *p, unsigned len, struct tcp_opts *o);

/* Build options into out (room TCP_MAX_OPT_LEN); returns bytes, a multiple
 * of 4. Fields used: mss (if non-zero), wscale (if >= 0), sack_ok, ts with
 * tsval/tsecr, and nsack blocks (as many as fit). */
unsigned tcp_opts_build(uint8_t *out, const struct tcp_opts *o);

#endif
