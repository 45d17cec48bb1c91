/* The userspace IP-in-IP endpoint: raw protocol-4 socket in, TUN device out. */
#include "emu/ipip_endpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/hdr.h"

/* Strip the outer IPv4 header of an IP-in-IP packet: the inner packet's
 * offset and length, or -1 when either header is malformed. */
static int emu_ipip_inner(const uint8_t *pkt, size_t len, size_t *inner_off, size_t *inner_len)
{
    const struct ipv4_hdr *outer = (const struct ipv4_hdr *)pkt;
    if (len < IPV4_HLEN || (outer->ver_ihl >> 4) != 4 || outer->proto != IPPROTO_IPIP)
        return -1;
    size_t ohl = ipv4_hdr_len(outer);
    size_t total = ntohs(outer->tot_len);
    if (ohl < IPV4_HLEN || total < ohl || total > len)
        return -1;
    const struct ipv4_hdr *inner = (const struct ipv4_hdr *)(pkt + ohl);
    size_t rest = total - ohl;
    if (rest < IPV4_HLEN || (inner->ver_ihl >> 4) != 4 || ipv4_hdr_len(inner) < IPV4_HLEN ||
        ntohs(inner->tot_len) > rest || ntohs(inner->tot_len) < ipv4_hdr_len(inner))
        return -1;
    *inner_off = ohl;
    *inner_len = ntohs(inner->tot_len);
    return 0;
}

static int open_tun(const char *name, char *err, size_t errlen)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "TUN %s: cannot open /dev/net/tun: %s", name, strerror(errno));
        return -1;
    }
    struct ifreq ifr = { 0 };
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        snprintf(err, errlen, "TUN %s: TUNSETIFF: %s", name, strerror(errno));
        close(fd);
        return -1;
    }
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0 || ioctl(sock, SIOCGIFFLAGS, &ifr) < 0 ||
        (ifr.ifr_flags |= IFF_UP, ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)) {
        snprintf(err, errlen, "TUN %s: cannot bring it up: %s", name, strerror(errno));
        if (sock >= 0)
            close(sock);
        close(fd);
        return -1;
    }
    close(sock);
    return fd;
}

int emu_ipip_endpoint_run(const char *tun_name, volatile sig_atomic_t *stop,
                          struct emu_ipip_stats *stats, char *err, size_t errlen)
{
    memset(stats, 0, sizeof *stats);
    int tun = open_tun(tun_name, err, errlen);
    if (tun < 0)
        return -1;
    int raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IPIP);
    if (raw < 0) {
        snprintf(err, errlen, "raw IP-in-IP socket: %s", strerror(errno));
        close(tun);
        return -1;
    }
    uint8_t buf[65536];
    struct pollfd pfd = { .fd = raw, .events = POLLIN };
    while (!*stop) {
        int ready = poll(&pfd, 1, 200);
        if (ready <= 0)
            continue;
        ssize_t n = recv(raw, buf, sizeof buf, 0);
        if (n <= 0)
            continue;
        size_t off, len;
        if (emu_ipip_inner(buf, (size_t)n, &off, &len) < 0) {
            stats->malformed++;
            continue;
        }
        if (write(tun, buf + off, len) == (ssize_t)len)
            stats->decapsulated++;
        else
            stats->write_errors++;
    }
    close(raw);
    close(tun);
    return 0;
}
