/* TAP devices as netifs: open with offloads, bring up, bridge, batched
 * reads, writes; each frame behind its virtio_net_hdr. */
#include "emu/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "emu/vnet_hdr.h"
#include "net/hdr.h"
#include "net/host.h"
#include "net/sw_offload.h"

int emu_tap_open_fd(const char *name, unsigned long offloads, char *err, size_t errlen)
{
    if (strlen(name) >= IFNAMSIZ) {
        snprintf(err, errlen, "TAP name \"%s\" is longer than %d characters", name, IFNAMSIZ - 1);
        return -1;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "TAP %s: cannot open /dev/net/tun: %s", name, strerror(errno));
        return -1;
    }
    struct ifreq ifr = { 0 };
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    int hdr_size = sizeof(struct virtio_net_hdr);
    const char *step = "TUNSETIFF";
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        goto fail;
    step = "TUNSETVNETHDRSZ";
    if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_size) < 0)
        goto fail;
    step = "TUNSETOFFLOAD";
    if (ioctl(fd, TUNSETOFFLOAD, offloads) < 0)
        goto fail;
    return fd;
fail:
    snprintf(err, errlen, "TAP %s: %s: %s", name, step, strerror(errno));
    close(fd);
    return -1;
}

int emu_tap_open(struct emu_tap *tap, const char *name, char *err, size_t errlen)
{
    memset(tap, 0, sizeof *tap);
    /* no TSO6: lvslab's stack is IPv4 only */
    tap->fd = emu_tap_open_fd(name, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO_ECN, err, errlen);
    if (tap->fd < 0)
        return -1;
    snprintf(tap->name, IFNAMSIZ, "%s", name);
    return 0;
}

int emu_tap_up(const struct emu_tap *tap, unsigned mtu, const char *bridge, char *err, size_t errlen)
{
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        snprintf(err, errlen, "TAP %s: socket: %s", tap->name, strerror(errno));
        return -1;
    }
    struct ifreq ifr = { 0 };
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", tap->name);
    const char *step = "SIOCSIFMTU";
    ifr.ifr_mtu = (int)mtu;
    if (ioctl(sock, SIOCSIFMTU, &ifr) < 0)
        goto fail;
    step = "SIOCGIFFLAGS";
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
        goto fail;
    ifr.ifr_flags |= IFF_UP;
    step = "SIOCSIFFLAGS";
    if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
        goto fail;
    if (bridge) {
        struct ifreq br = { 0 };
        snprintf(br.ifr_name, IFNAMSIZ, "%s", bridge);
        br.ifr_ifindex = (int)if_nametoindex(tap->name);
        step = "SIOCBRADDIF";
        if (!br.ifr_ifindex || ioctl(sock, SIOCBRADDIF, &br) < 0)
            goto fail;
    }
    close(sock);
    return 0;
fail:
    snprintf(err, errlen, "TAP %s%s%s: %s: %s", tap->name, bridge ? " on bridge " : "",
             bridge ? bridge : "", step, strerror(errno));
    close(sock);
    return -1;
}

static void tap_xmit(struct netif *nif, struct pkt *frame)
{
    struct emu_tap *tap = nif->xmit_ctx;
    /* a plain packet leaves whole: Linux would carry its partial sum on
     * over veths, and a router's ICMP error would quote it as it is */
    if (frame->off.csum_partial && !pkt_is_gso(frame))
        sw_csum_complete(frame);
    if (tap->capture)
        tap->capture(tap->capture_ctx, frame, 0);
    struct virtio_net_hdr vh;
    emu_vnet_hdr_from_pkt(frame, &vh);
    struct iovec iov[2] = { { &vh, sizeof vh }, { frame->data, frame->len } };
    ssize_t n = writev(tap->fd, iov, 2);
    if (n == (ssize_t)(sizeof vh + frame->len)) {
        tap->tx_frames++;
        tap->tx_gso += pkt_is_gso(frame);
    } else {
        tap->tx_errors++;     /* a full TAP queue drops, as a full NIC ring would */
    }
    pkt_orphan(frame);        /* the transmit completion, as tun's xmit orphans */
    pkt_free(frame);
}

/* The next frame on the TAP, or NULL when there is none (or no buffer). It
 * is read into a buffer big enough for a GSO super-frame, and copied into
 * a small one when it is an ordinary frame. */
static struct pkt *tap_read(struct emu_tap *tap)
{
    struct pkt_pool *pool = tap->nif->host->pool;
    struct pkt *big = pkt_alloc(pool, PKT_LARGE_SIZE - PKT_HEADROOM);
    if (!big)
        return NULL;
    struct virtio_net_hdr vh;
    struct iovec iov[2] = { { &vh, sizeof vh }, { big->data, big->len } };
    ssize_t n = readv(tap->fd, iov, 2);
    if (n <= (ssize_t)sizeof vh) {
        pkt_free(big);
        if (n >= 0 || (errno != EAGAIN && errno != EINTR))
            tap->rx_errors++;
        return NULL;
    }
    big->len = (uint32_t)(n - (ssize_t)sizeof vh);
    struct pkt *p = big, *small;
    if (big->len + PKT_HEADROOM <= PKT_SMALL_SIZE && (small = pkt_alloc(pool, big->len))) {
        memcpy(small->data, big->data, big->len);
        pkt_free(big);
        p = small;
    }
    if (emu_vnet_hdr_to_pkt(&vh, p) < 0) {
        tap->rx_errors++;
        pkt_free(p);
        return NULL;
    }
    return p;
}

static void tap_readable(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    struct emu_tap *tap = w->data;
    struct pkt *burst[EMU_TAP_BATCH];
    unsigned n = 0;
    while (n < EMU_TAP_BATCH && (burst[n] = tap_read(tap))) {
        tap->rx_frames++;
        tap->rx_gso += pkt_is_gso(burst[n]);
        if (tap->capture)
            tap->capture(tap->capture_ctx, burst[n], 1);
        n++;
    }
    netif_input_burst(tap->nif, burst, n);
}

void emu_tap_bind(struct emu_tap *tap, struct ev_loop *loop, struct netif *nif)
{
    tap->loop = loop;
    tap->nif = nif;
    nif->xmit = tap_xmit;
    nif->xmit_ctx = tap;
    nif->flags |= NETIF_OFFLOAD;
    ev_io_init(&tap->io, tap_readable, tap->fd, EV_READ);
    tap->io.data = tap;
    ev_io_start(loop, &tap->io);
}

void emu_tap_close(struct emu_tap *tap)
{
    if (tap->loop)
        ev_io_stop(tap->loop, &tap->io);
    if (tap->fd >= 0)
        close(tap->fd);
    tap->fd = -1;
}

void emu_tap_print_counters(const struct emu_tap *tap, FILE *out)
{
    fprintf(out, "%s: rx=%llu tx=%llu rx_gso=%llu tx_gso=%llu rx_errors=%llu tx_errors=%llu\n", tap->name,
            (unsigned long long)tap->rx_frames, (unsigned long long)tap->tx_frames,
            (unsigned long long)tap->rx_gso, (unsigned long long)tap->tx_gso,
            (unsigned long long)tap->rx_errors, (unsigned long long)tap->tx_errors);
}
