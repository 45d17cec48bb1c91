/*
 * A link's delay, jitter and loss in the emulated world, where the kernel
 * has no netem (EMULATION-NOTES): a process between two TAP devices, one
 * end of the link each, that holds every frame for the link's delay before
 * passing it on, as the simulator's link does. Frames cross with their
 * virtio_net_hdr untouched, so the kernel's TCP super-frames (GSO) pass
 * whole and nothing is parsed; with loss, GSO is off so that a loss is one
 * segment's.
 */
#ifndef EMU_DELAY_LINE_H
#define EMU_DELAY_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/simtime.h"

#define EMU_DELAY_END_MAX 64

struct emu_delay_params {
    sim_time_t delay;          /* one way, each direction */
    sim_time_t jitter;         /* extra, uniform in [0, jitter]; never reorders */
    double loss;               /* probability a frame is dropped, each direction */
    uint64_t seed;             /* for jitter and loss: the run's */
    /* the link's ends as the simulator names its NICs (node-iface): a to b
     * draws from the stream "link:A>B", as the simulator's link does */
    char ends[2][EMU_DELAY_END_MAX];
    uint64_t rate_bps;         /* the link's rate, to size the queue (0: 10 Gbit/s) */
};

struct emu_delay_stats {
    uint64_t passed[2];        /* frames from TAP a to b ([0]) and from b to a ([1]) */
    uint64_t lost[2];          /* dropped by the loss draw */
    uint64_t dropped[2];       /* the queue was full, or the far TAP would not take it (down) */
};

/* The bytes of queue per direction for p: twice the link's bandwidth-delay
 * product, within sane bounds. */
size_t emu_delay_queue_bytes(const struct emu_delay_params *p);

/* Create TAP devices tap_a and tap_b (in this namespace; the caller moves
 * them where the link's ends are and brings them up) and move frames
 * between them until SIGINT or SIGTERM. 0, or -1 with err. */
int emu_delay_line_run(const char *tap_a, const char *tap_b, const struct emu_delay_params *p,
                       struct emu_delay_stats *stats, char *err, size_t errlen);

#endif
