/*
 * An existing interface's offloads through the SIOCETHTOOL ioctl (what
 * `ethtool -K IF gro off lro off tso off gso off` does), for a userspace
 * host that reads and writes its frames with libpcap (emu/pcap_dev.h):
 * receive merging (GRO, LRO) would hand it frames larger than the MTU, and
 * with segmentation offloads (TSO, GSO) on, libpcap sizes every slot of its
 * ring for 64 KB frames. They are turned off for the run and the ones that
 * were on are turned back on after.
 */
#ifndef EMU_IFACE_OFFLOAD_H
#define EMU_IFACE_OFFLOAD_H

#include <net/if.h>
#include <stddef.h>

struct emu_iface_offload {
    char name[IFNAMSIZ];
    unsigned was_on;           /* bit i: the i-th offload of iface_offload.c's table */
};

/* Turn the offloads of interface `name` off, remembering which were on.
 * 0, or -1 with a message in err naming the interface, the offload and the
 * reason (no permission: needs CAP_NET_ADMIN); nothing is left changed. */
int emu_iface_offload_off(struct emu_iface_offload *o, const char *name, char *err, size_t errlen);
/* Turn back on what emu_iface_offload_off() turned off. */
void emu_iface_offload_restore(struct emu_iface_offload *o);

#endif
