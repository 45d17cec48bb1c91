/* Offloads of an existing interface off for a run, and back on after. */
#include "emu/iface_offload.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* One offload: its get and set commands, and the bit of their value that
 * means on (the legacy one-feature commands answer 0 or 1; LRO is a bit of
 * the device flags). */
static const struct offload {
    const char *name;
    uint32_t get, set, bit;
} offloads[] = {
    { "GRO", ETHTOOL_GGRO, ETHTOOL_SGRO, 1 },
    { "LRO", ETHTOOL_GFLAGS, ETHTOOL_SFLAGS, ETH_FLAG_LRO },
    { "TSO", ETHTOOL_GTSO, ETHTOOL_STSO, 1 },
    { "GSO", ETHTOOL_GGSO, ETHTOOL_SGSO, 1 },
};
#define NOFFLOADS (sizeof offloads / sizeof offloads[0])

static int ethtool(int sock, const char *name, struct ethtool_value *v)
{
    struct ifreq ifr = { 0 };
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    ifr.ifr_data = (char *)v;
    return ioctl(sock, SIOCETHTOOL, &ifr);
}

/* Turn offload k on or off; 0, or -1 with errno. */
static int offload_set(int sock, const char *name, const struct offload *k, int on)
{
    struct ethtool_value v = { .cmd = k->get };
    if (ethtool(sock, name, &v) < 0)
        return -1;
    v.cmd = k->set;
    v.data = on ? (v.data | k->bit) : (v.data & ~k->bit);
    return ethtool(sock, name, &v);
}

/* In reverse order: segmentation needs GSO back before TSO. */
static void restore(int sock, struct emu_iface_offload *o)
{
    for (unsigned k = NOFFLOADS; k-- > 0;)
        if (o->was_on & (1u << k))
            offload_set(sock, o->name, &offloads[k], 1);
    o->was_on = 0;
}

int emu_iface_offload_off(struct emu_iface_offload *o, const char *name, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    snprintf(o->name, IFNAMSIZ, "%s", name);
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        snprintf(err, errlen, "interface %s: socket: %s", name, strerror(errno));
        return -1;
    }
    for (unsigned k = 0; k < NOFFLOADS; k++) {
        struct ethtool_value v = { .cmd = offloads[k].get };
        if (ethtool(sock, name, &v) < 0) {
            if (errno == EOPNOTSUPP)
                continue;          /* a device without this offload */
            snprintf(err, errlen, "interface %s: cannot read %s: %s", name, offloads[k].name, strerror(errno));
            goto fail;
        }
        if (!(v.data & offloads[k].bit))
            continue;
        if (offload_set(sock, name, &offloads[k], 0) < 0) {
            snprintf(err, errlen, "interface %s: cannot turn %s off%s: %s", name, offloads[k].name,
                     errno == EPERM ? " (needs CAP_NET_ADMIN)" : "", strerror(errno));
            goto fail;
        }
        o->was_on |= 1u << k;
    }
    close(sock);
    return 0;
fail:
    restore(sock, o);
    close(sock);
    return -1;
}

void emu_iface_offload_restore(struct emu_iface_offload *o)
{
    if (!o->was_on)
        return;
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return;
    restore(sock, o);
    close(sock);
}
