/* TAP devices as netifs: open, bring up, bridge, batched reads, writes. */
#include "emu/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/hdr.h"
#include "net/host.h"

int emu_tap_open(struct emu_tap *tap, const char *name, char *err, size_t errlen)
{
    memset(tap, 0, sizeof *tap);
    tap->fd = -1;
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
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        snprintf(err, errlen, "TAP %s: TUNSETIFF: %s", name, strerror(errno));
        close(fd);
        return -1;
    }
    tap->fd = fd;
    snprintf(tap->name, IFNAMSIZ, "%s", ifr.ifr_name);
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
    if (tap->capture)
        tap->capture(tap->capture_ctx, frame, 0);
    ssize_t n = write(tap->fd, frame->data, frame->len);
    if (n == (ssize_t)frame->len)
        tap->tx_frames++;
    else
        tap->tx_errors++;     /* a full TAP queue drops, as a full NIC ring would */
    pkt_free(frame);
}

static void tap_readable(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    struct emu_tap *tap = w->data;
    struct pkt_pool *pool = tap->nif->host->pool;
    uint32_t room = ETH_HLEN + tap->nif->mtu;
    for (int i = 0; i < EMU_TAP_BATCH; i++) {
        struct pkt *p = pkt_alloc(pool, room);
        if (!p)
            return;
        ssize_t n = read(tap->fd, p->data, room);
        if (n <= 0) {
            pkt_free(p);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                tap->rx_errors++;
            return;
        }
        p->len = (uint32_t)n;
        tap->rx_frames++;
        if (tap->capture)
            tap->capture(tap->capture_ctx, p, 1);
        netif_input(tap->nif, p);
    }
}

void emu_tap_bind(struct emu_tap *tap, struct ev_loop *loop, struct netif *nif)
{
    tap->loop = loop;
    tap->nif = nif;
    nif->xmit = tap_xmit;
    nif->xmit_ctx = tap;
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
