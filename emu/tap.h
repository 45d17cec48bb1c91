/*
 * The device seam on a TAP interface: a netif whose frames go to and come
 * from /dev/net/tun (IFF_TAP | IFF_NO_PI), non-blocking, read in batches from
 * an ev_io watcher. The TAP can be attached to a Linux bridge. It is opened
 * with offloads (IFF_VNET_HDR, TUNSETOFFLOAD: partial checksums, TCP/IPv4
 * GSO): the kernel hands over TCP super-frames of up to 64 KB and segments
 * and checksums the super-frames the director writes back
 * (emu/vnet_hdr.h); a plain frame is written with its checksum complete.
 */
#ifndef EMU_TAP_H
#define EMU_TAP_H

#include <ev.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>

#include "net/netif.h"

#define EMU_TAP_BATCH 64       /* frames read per wake-up at most */

struct emu_tap;
/* Sees every frame that crosses the TAP, in (inbound true) or out, with
 * its offload work still to do (frame->off). */
typedef void (*emu_tap_capture_fn)(void *ctx, const struct pkt *frame, int inbound);

struct emu_tap {
    int fd;
    char name[IFNAMSIZ];
    struct ev_loop *loop;
    ev_io io;
    struct netif *nif;
    emu_tap_capture_fn capture;
    void *capture_ctx;
    uint64_t rx_frames, tx_frames, rx_errors, tx_errors;
    uint64_t rx_gso, tx_gso;   /* of those frames, GSO super-frames */
};

/* Create (or attach to) the TAP device `name`, non-blocking; 0 or -1 with a
 * message in err naming the device and the reason. */
int emu_tap_open(struct emu_tap *tap, const char *name, char *err, size_t errlen);
/* The same as a bare file descriptor (each frame behind a virtio_net_hdr),
 * the kernel allowed to hand over what offloads (TUN_F_*) says; the fd, or
 * -1 with err. */
int emu_tap_open_fd(const char *name, unsigned long offloads, char *err, size_t errlen);
/* Set the device up with an MTU, and optionally enslave it to a bridge. */
int emu_tap_up(const struct emu_tap *tap, unsigned mtu, const char *bridge, char *err, size_t errlen);
/* Join the TAP to a host interface: frames the netif sends go out the TAP,
 * frames read from it go to netif_input_burst(), a wake-up's at a time.
 * The netif is marked NETIF_OFFLOAD. */
void emu_tap_bind(struct emu_tap *tap, struct ev_loop *loop, struct netif *nif);
void emu_tap_close(struct emu_tap *tap);
/* One line of the TAP's counters: "NAME: rx=... tx=... rx_gso=... ...". */
void emu_tap_print_counters(const struct emu_tap *tap, FILE *out);

#endif
