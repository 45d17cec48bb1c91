/*
 * VRRP advertisements on the wire: version 2 (RFC 3768) and version 3
 * (RFC 5798, IPv4), written with their checksum and parsed with every
 * check the RFCs ask of a receiver that does not need the instance.
 * Structs here are in host order; the wire is in network order.
 */
#ifndef LVS_KEEPALIVED_VRRP_PKT_H
#define LVS_KEEPALIVED_VRRP_PKT_H

#include <stddef.h>
#include <stdint.h>

#define VRRP_PROTO 112                 /* IANA protocol number */
#define VRRP_GROUP 0xe0000012u         /* 224.0.0.18 */
#define VRRP_TTL 255
#define VRRP_TYPE_ADVERT 1
#define VRRP_MAX_VIPS 16               /* a count keepalived also keeps small */
#define VRRP_AUTH_LEN 8                /* v2: the authentication data that follows the addresses */
#define VRRP_HDR_LEN 8
#define VRRP_V3_MAX_ADVER_CS 4095      /* 12 bits of centiseconds */

enum vrrp_auth { VRRP_AUTH_NONE = 0, VRRP_AUTH_PASS = 1 };

struct vrrp_advert {
    uint8_t version;                   /* 2 or 3 */
    uint8_t vrid;
    uint8_t priority;
    uint8_t naddr;
    uint8_t auth_type;                 /* v2 only */
    uint16_t adver_int;                /* v2: seconds; v3: centiseconds */
    uint32_t addrs[VRRP_MAX_VIPS];
    uint8_t auth_data[VRRP_AUTH_LEN];  /* v2 only: the password of AUTH_PASS, else zeros */
};

/* Why a received advertisement was refused before any instance saw it. */
enum vrrp_pkt_error {
    VRRP_PKT_OK, VRRP_PKT_SHORT, VRRP_PKT_VERSION, VRRP_PKT_TYPE, VRRP_PKT_LENGTH,
    VRRP_PKT_TOO_MANY_ADDRS, VRRP_PKT_CHECKSUM, VRRP_PKT_AUTH_TYPE,
};

/* Bytes of an advertisement of this version with naddr addresses. */
size_t vrrp_pkt_len(unsigned version, unsigned naddr);

/* Write a into buf (vrrp_pkt_len bytes), checksum included; v3's covers the
 * pseudo-header of saddr and daddr (host order). Returns the length. */
size_t vrrp_pkt_write(uint8_t *buf, const struct vrrp_advert *a, uint32_t saddr, uint32_t daddr);

/* Parse len bytes (the IP payload) sent from saddr to daddr. The length
 * must be exact: Ethernet padding is already gone with the IP total length. */
enum vrrp_pkt_error vrrp_pkt_parse(const uint8_t *buf, size_t len, uint32_t saddr, uint32_t daddr,
                                   struct vrrp_advert *out);

#endif
