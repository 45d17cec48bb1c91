/* Existing interfaces as netifs through libpcap: open, batched reads,
 * injected writes, partial checksums recognised, oversize frames counted. */
#include "emu/pcap_dev.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/csum.h"
#include "net/hdr.h"
#include "net/host.h"

#define PCAP_DEV_SNAPLEN 262144          /* libpcap's largest: a frame is never cut short unseen */
#define PCAP_DEV_BUFFER (8 * 1024 * 1024) /* the kernel's ring: thousands of MTU-sized slots */
#define TCP_CHECK_OFFSET 16
#define UDP_CHECK_OFFSET 6

/* The interface's flags and MTU; 0, or -1 with err. */
static int iface_state(const char *name, short *flags, unsigned *mtu, char *err, size_t errlen)
{
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr = { 0 };
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    int rc = sock < 0 || ioctl(sock, SIOCGIFFLAGS, &ifr) < 0 ? -1 : 0;
    *flags = ifr.ifr_flags;
    if (rc == 0 && ioctl(sock, SIOCGIFMTU, &ifr) < 0)
        rc = -1;
    *mtu = (unsigned)ifr.ifr_mtu;
    if (rc < 0)
        snprintf(err, errlen, "interface %s: %s", name, strerror(errno));
    if (sock >= 0)
        close(sock);
    return rc;
}

/* libpcap's handle on the interface, set up and active; NULL with err. */
static pcap_t *open_pcap(const char *name, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pc = pcap_create(name, ebuf);
    if (!pc) {
        snprintf(err, errlen, "interface %s: %s", name, ebuf);
        return NULL;
    }
    pcap_set_snaplen(pc, PCAP_DEV_SNAPLEN);
    pcap_set_promisc(pc, 1);
    pcap_set_immediate_mode(pc, 1);
    pcap_set_buffer_size(pc, PCAP_DEV_BUFFER);
    int rc = pcap_activate(pc);
    if (rc == PCAP_ERROR_PERM_DENIED) {
        snprintf(err, errlen, "interface %s: no permission to read and write its frames (needs CAP_NET_RAW): %s",
                 name, pcap_geterr(pc));
        pcap_close(pc);
        return NULL;
    }
    const char *step = "pcap_activate", *why = pcap_geterr(pc);
    if (rc < 0 || rc == PCAP_WARNING_PROMISC_NOTSUP)
        goto fail;
    if (pcap_datalink(pc) != DLT_EN10MB) {
        snprintf(err, errlen, "interface %s is not an Ethernet interface (libpcap link type %s)", name,
                 pcap_datalink_val_to_name(pcap_datalink(pc)));
        pcap_close(pc);
        return NULL;
    }
    step = "pcap_setdirection";
    if (pcap_setdirection(pc, PCAP_D_IN) < 0)
        goto fail;
    step = "pcap_setnonblock";
    why = ebuf;
    if (pcap_setnonblock(pc, 1, ebuf) < 0)
        goto fail;
    step = "pcap_get_selectable_fd";
    why = "no descriptor to wait on";
    if (pcap_get_selectable_fd(pc) < 0)
        goto fail;
    return pc;
fail:
    snprintf(err, errlen, "interface %s: %s: %s", name, step, why[0] ? why : pcap_statustostr(rc));
    pcap_close(pc);
    return NULL;
}

int emu_pcap_dev_open(struct emu_pcap_dev *dev, const char *name, char *err, size_t errlen)
{
    memset(dev, 0, sizeof *dev);
    if (strlen(name) >= IFNAMSIZ) {
        snprintf(err, errlen, "interface name \"%s\" is longer than %d characters", name, IFNAMSIZ - 1);
        return -1;
    }
    snprintf(dev->name, IFNAMSIZ, "%s", name);
    if (!if_nametoindex(name)) {
        snprintf(err, errlen, "no interface named %s in this network namespace", name);
        return -1;
    }
    short flags;
    if (iface_state(name, &flags, &dev->mtu, err, errlen) < 0)
        return -1;
    if (!(flags & IFF_UP)) {
        snprintf(err, errlen, "interface %s is down (ip link set %s up)", name, name);
        return -1;
    }
    if (emu_iface_offload_off(&dev->offload, name, err, errlen) < 0)
        return -1;
    dev->pcap = open_pcap(name, err, errlen);
    if (!dev->pcap) {
        emu_iface_offload_restore(&dev->offload);
        return -1;
    }
    return 0;
}

/* A TCP or UDP checksum that a local sender left for the device to finish
 * (the kernel's CHECKSUM_PARTIAL, which AF_PACKET does not tell libpcap)
 * holds the folded pseudo-header sum, not complemented. A frame whose
 * checksum field holds that value is marked partial. Were it a complete
 * checksum that happens to equal it, completing it gives the same value
 * back (the sum of the segment is then the seed's complement), so the
 * guess never changes a frame wrongly. Only an exact, unfragmented
 * IPv4 packet is looked at (a partial one is never padded). */
bool emu_pcap_dev_mark_partial(struct pkt *p)
{
    const uint8_t *d = p->data;
    if (p->len < ETH_HLEN + IPV4_HLEN || d[12] != 0x08 || d[13] != 0x00)
        return false;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(d + ETH_HLEN);
    unsigned ihl = ipv4_hdr_len(ip), tot = ntohs(ip->tot_len);
    if ((ip->ver_ihl >> 4) != 4 || ihl < IPV4_HLEN || tot < ihl || ETH_HLEN + tot != p->len ||
        (ntohs(ip->frag_off) & (IPV4_MF | IPV4_OFFMASK)))
        return false;
    unsigned l4len = tot - ihl;
    unsigned offset = ip->proto == IPPROTO_TCP && l4len >= TCP_HLEN ? TCP_CHECK_OFFSET
                      : ip->proto == IPPROTO_UDP && l4len >= 8     ? UDP_CHECK_OFFSET
                                                                   : 0;
    if (!offset)
        return false;
    uint16_t check;
    memcpy(&check, d + ETH_HLEN + ihl + offset, sizeof check);
    uint16_t seed = (uint16_t)~csum_fold(csum_pseudo(ip->saddr, ip->daddr, ip->proto, (uint16_t)l4len));
    if (check != seed)
        return false;
    p->off.csum_partial = true;
    p->off.csum_start = (uint16_t)(pkt_headroom(p) + ETH_HLEN + ihl);
    p->off.csum_offset = (uint16_t)offset;
    return true;
}

/* One wake-up's frames, gathered by on_frame for netif_input_burst(). */
struct burst {
    struct emu_pcap_dev *dev;
    struct pkt *frames[EMU_PCAP_DEV_BATCH];
    unsigned n;
};

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    struct burst *b = (struct burst *)user;
    struct emu_pcap_dev *dev = b->dev;
    if (h->caplen < h->len || h->len > dev->mtu + ETH_HLEN) {
        if (!dev->rx_oversize++)
            fprintf(stderr,
                    "lvslab: interface %s: dropped a frame of %u bytes, more than its MTU of %u allows: the "
                    "other end sends merged or unsegmented frames (a veth peer's TSO: ethtool -K PEER tso off); "
                    "counted as rx_oversize\n",
                    dev->name, h->len, dev->mtu);
        return;
    }
    struct pkt *p = pkt_alloc(dev->nif->host->pool, h->caplen);
    if (!p) {
        dev->rx_errors++;
        return;
    }
    memcpy(p->data, bytes, h->caplen);
    dev->rx_partial += emu_pcap_dev_mark_partial(p);
    dev->rx_frames++;
    if (dev->capture)
        dev->capture(dev->capture_ctx, p, 1);
    b->frames[b->n++] = p;
}

static void pcap_dev_readable(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    struct emu_pcap_dev *dev = w->data;
    struct burst b = { .dev = dev };
    if (pcap_dispatch(dev->pcap, EMU_PCAP_DEV_BATCH, on_frame, (u_char *)&b) < 0)
        dev->rx_errors++;
    netif_input_burst(dev->nif, b.frames, b.n);
}

static void pcap_dev_xmit(struct netif *nif, struct pkt *frame)
{
    struct emu_pcap_dev *dev = nif->xmit_ctx;
    if (dev->capture)
        dev->capture(dev->capture_ctx, frame, 0);
    if (pcap_inject(dev->pcap, frame->data, frame->len) == (int)frame->len)
        dev->tx_frames++;
    else
        dev->tx_errors++;     /* a full socket buffer drops, as a full NIC ring would */
    pkt_orphan(frame);        /* the transmit completion */
    pkt_free(frame);
}

void emu_pcap_dev_bind(struct emu_pcap_dev *dev, struct ev_loop *loop, struct netif *nif)
{
    dev->loop = loop;
    dev->nif = nif;
    nif->xmit = pcap_dev_xmit;
    nif->xmit_ctx = dev;
    ev_io_init(&dev->io, pcap_dev_readable, pcap_get_selectable_fd(dev->pcap), EV_READ);
    dev->io.data = dev;
    ev_io_start(loop, &dev->io);
}

void emu_pcap_dev_close(struct emu_pcap_dev *dev)
{
    if (dev->loop)
        ev_io_stop(dev->loop, &dev->io);
    dev->loop = NULL;
    if (dev->pcap)
        pcap_close(dev->pcap);
    dev->pcap = NULL;
    emu_iface_offload_restore(&dev->offload);
}

void emu_pcap_dev_print_counters(const struct emu_pcap_dev *dev, FILE *out)
{
    struct pcap_stat ps = { 0 };
    pcap_stats(dev->pcap, &ps);   /* ps_drop: frames the kernel found no room for in the ring */
    fprintf(out,
            "%s: rx=%llu tx=%llu rx_partial=%llu rx_oversize=%llu rx_ring_drops=%u rx_errors=%llu "
            "tx_errors=%llu\n",
            dev->name, (unsigned long long)dev->rx_frames, (unsigned long long)dev->tx_frames,
            (unsigned long long)dev->rx_partial, (unsigned long long)dev->rx_oversize, ps.ps_drop,
            (unsigned long long)dev->rx_errors, (unsigned long long)dev->tx_errors);
}
