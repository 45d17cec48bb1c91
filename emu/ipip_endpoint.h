/*
 * The userspace IP-in-IP endpoint for TUN-mode real servers on kernels
 * without the ipip module: a raw IPPROTO_IPIP socket takes the director's
 * encapsulated packets, and their inner packets are written to a TUN device
 * that holds the VIP, so the kernel answers the client directly.
 */
#ifndef EMU_IPIP_ENDPOINT_H
#define EMU_IPIP_ENDPOINT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct emu_ipip_stats {
    uint64_t decapsulated;    /* inner packets handed to the TUN device */
    uint64_t malformed;       /* outer or inner header that does not parse */
    uint64_t write_errors;
};

/* Open the TUN device (created if needed), bring it up, and move packets
 * until *stop is set. Returns 0, or -1 with a message in err. */
int emu_ipip_endpoint_run(const char *tun_name, volatile sig_atomic_t *stop,
                          struct emu_ipip_stats *stats, char *err, size_t errlen);

#endif
