/*
 * Pcap taps. The file is pcapng (draft-ietf-opsawg-pcapng, host byte order):
 * a section header block with the run in its comment, one interface
 * description block (Ethernet, the snap length, if_name node-iface,
 * nanosecond if_tsresol), then an enhanced packet block per frame with its
 * direction in epb_flags. The blocks are written here rather than by a
 * library because of how they reach the disk. A tap fills one block-aligned buffer of
 * its own and writes whole blocks of it with O_DIRECT where the filesystem
 * allows it. Measured on the sim_dumbbell benchmark (24 taps, 10 GB in 5
 * simulated s): through the page cache every write costs the kernel a fresh
 * page to fill, and that alone ran at 260 MB/s (sys time, on either stdio or
 * 1 MB write(2)s), where O_DIRECT writes reach the disk at 1.3-1.6 GB/s with
 * almost no CPU; writing in the background lets the simulation go on meanwhile.
 */
#define _GNU_SOURCE    /* O_DIRECT */
#include "scenario/pcap.h"

#include <aio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/xalloc.h"

#define TAP_BLOCK 4096u          /* O_DIRECT: buffers, offsets and sizes aligned to it */
#define TAP_BUF (1u << 20)       /* room for hundreds of frames between writes */
#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_EPB 6u
#define OPT_END 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define OPT_EPB_FLAGS 2
#define LINKTYPE_ETHERNET 1

/*
 * Two buffers: one fills while the other is on its way to the disk (POSIX
 * AIO), so the simulation waits for the disk only when it outruns it.
 */
struct scn_pcap {
    int fd;
    bool direct;
    bool failed;
    int cur;                     /* the buffer being filled */
    size_t used;                 /* bytes in it */
    off_t off;                   /* where in the file it starts */
    uint8_t *buf[2];
    struct aiocb cb[2];
    bool busy[2];                /* cb[i] is in flight */
    uint32_t snaplen;
    uint64_t max_frames, frames; /* max 0: no limit */
    char path[];
};

/* An enhanced packet block's fixed part: type, length, interface, time
 * (high and low words, in if_tsresol units), captured and original length. */
struct tap_epb {
    uint32_t type, total, iface, ts_high, ts_low, caplen, len;
};

/* Its trailer: the epb_flags option, the end of options, the length again. */
struct tap_epb_tail {
    uint16_t flags_code, flags_len;
    uint32_t flags;
    uint32_t opt_end, total;
};

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

/* Append option code with n bytes of value at b (zero-padded); the new end. */
static uint8_t *put_opt(uint8_t *b, uint16_t code, const void *v, size_t n)
{
    const uint16_t h[2] = { code, (uint16_t)n };
    memcpy(b, h, sizeof h);
    memcpy(b + 4, v, n);
    memset(b + 4 + n, 0, pad4(n) - n);
    return b + 4 + pad4(n);
}

/* Close the block that starts at start and ends (options done) at b: the
 * end of options, the trailing length, the length in its header. */
static uint8_t *end_block(uint8_t *start, uint8_t *b)
{
    memset(b, 0, 4);
    b += 4;
    uint32_t total = (uint32_t)(b + 4 - start);
    memcpy(b, &total, 4);
    memcpy(start + 4, &total, 4);
    return b + 4;
}

/* The section header and the one interface description; their length. */
static size_t file_header(uint8_t *buf, const struct scn_pcap_opts *o, uint32_t snaplen)
{
    uint8_t *b = buf;
    const uint32_t shb[3] = { BT_SHB, 0, 0x1A2B3C4Du };
    const uint16_t version[2] = { 1, 0 };
    const int64_t section_len = -1;
    memcpy(b, shb, sizeof shb);
    memcpy(b + 12, version, sizeof version);
    memcpy(b + 16, &section_len, sizeof section_len);
    b += 24;
    if (o->comment && *o->comment)
        b = put_opt(b, OPT_COMMENT, o->comment, strnlen(o->comment, 1024));
    b = put_opt(b, OPT_SHB_USERAPPL, "lvslab", 6);
    b = end_block(buf, b);
    uint8_t *idb = b;
    const uint32_t head[2] = { BT_IDB, 0 };
    const uint16_t link[2] = { LINKTYPE_ETHERNET, 0 };
    memcpy(b, head, sizeof head);
    memcpy(b + 8, link, sizeof link);
    memcpy(b + 12, &snaplen, 4);
    b += 16;
    if (o->if_name && *o->if_name)
        b = put_opt(b, OPT_IF_NAME, o->if_name, strnlen(o->if_name, 256));
    const uint8_t nsec = 9;     /* 10^-9 s */
    b = put_opt(b, OPT_IF_TSRESOL, &nsec, 1);
    b = end_block(idb, b);
    return (size_t)(b - buf);
}

static void tap_error(struct scn_pcap *tap, int err)
{
    if (!tap->failed)
        fprintf(stderr, "lvslab: cannot write %s: %s\n", tap->path, err ? strerror(err) : "no progress");
    tap->failed = true;
}

static void tap_pwrite(struct scn_pcap *tap, const uint8_t *p, size_t n, off_t off)
{
    while (n && !tap->failed) {
        ssize_t k = pwrite(tap->fd, p, n, off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            tap_error(tap, k < 0 ? errno : 0);
            return;
        }
        p += k;
        n -= (size_t)k;
        off += k;
    }
}

/* Wait until buffer i is written; a short write is finished synchronously. */
static void tap_wait(struct scn_pcap *tap, int i)
{
    if (!tap->busy[i])
        return;
    struct aiocb *cb = &tap->cb[i];
    const struct aiocb *list[1] = { cb };
    int err;
    while ((err = aio_error(cb)) == EINPROGRESS)
        aio_suspend(list, 1, NULL);
    ssize_t k = aio_return(cb);
    tap->busy[i] = false;
    if (err || k < 0)
        tap_error(tap, err ? err : errno);
    else if ((size_t)k < cb->aio_nbytes)
        tap_pwrite(tap, tap->buf[i] + k, cb->aio_nbytes - (size_t)k, cb->aio_offset + k);
}

/* Send the whole blocks of the current buffer to the disk and go on filling
 * the other one, starting with the partial last block. */
static void tap_flush_blocks(struct scn_pcap *tap)
{
    size_t n = tap->used & ~(size_t)(TAP_BLOCK - 1);
    if (!n || tap->failed)
        return;
    int i = tap->cur, j = !i;
    tap->cb[i] = (struct aiocb){ .aio_fildes = tap->fd, .aio_buf = tap->buf[i], .aio_nbytes = n,
                                 .aio_offset = tap->off, .aio_sigevent.sigev_notify = SIGEV_NONE };
    if (aio_write(&tap->cb[i]) < 0)
        tap_pwrite(tap, tap->buf[i], n, tap->off);
    else
        tap->busy[i] = true;
    tap_wait(tap, j);
    tap->used -= n;
    memcpy(tap->buf[j], tap->buf[i] + n, tap->used);
    tap->off += (off_t)n;
    tap->cur = j;
}

struct scn_pcap *scn_pcap_open(const char *path, const struct scn_pcap_opts *o)
{
    int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
    int fd = open(path, flags | O_DIRECT, 0644);
    bool direct = fd >= 0;
    if (fd < 0 && errno == EINVAL)      /* a filesystem without O_DIRECT */
        fd = open(path, flags, 0644);
    if (fd < 0) {
        fprintf(stderr, "lvslab: cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t plen = strlen(path) + 1;
    struct scn_pcap *tap = xmalloc(sizeof *tap + plen);
    uint32_t snaplen = o->snaplen && o->snaplen < SCN_PCAP_SNAPLEN_MAX ? o->snaplen : SCN_PCAP_SNAPLEN_MAX;
    *tap = (struct scn_pcap){ .fd = fd, .direct = direct, .snaplen = snaplen, .max_frames = o->max_frames };
    memcpy(tap->path, path, plen);
    for (int i = 0; i < 2; i++)
        if (!(tap->buf[i] = aligned_alloc(TAP_BLOCK, TAP_BUF)))
            xalloc_fail("pcap buffer");
    tap->used = file_header(tap->buf[0], o, snaplen);
    return tap;
}

void scn_pcap_write(struct scn_pcap *tap, const struct pkt *frame, sim_time_t t, enum scn_pcap_dir dir)
{
    if (!tap || tap->failed || (tap->max_frames && tap->frames == tap->max_frames))
        return;
    tap->frames++;
    uint32_t caplen = frame->len < tap->snaplen ? frame->len : tap->snaplen;
    size_t data = pad4(caplen), total = sizeof(struct tap_epb) + data + sizeof(struct tap_epb_tail);
    uint64_t ts = (uint64_t)t;
    const struct tap_epb h = { .type = BT_EPB, .total = (uint32_t)total, .ts_high = (uint32_t)(ts >> 32),
                               .ts_low = (uint32_t)ts, .caplen = caplen, .len = frame->len };
    const struct tap_epb_tail tail = { .flags_code = OPT_EPB_FLAGS, .flags_len = 4, .flags = (uint32_t)dir,
                                       .total = (uint32_t)total };
    if (tap->used + total > TAP_BUF)
        tap_flush_blocks(tap);
    uint8_t *at = tap->buf[tap->cur] + tap->used;
    memcpy(at, &h, sizeof h);
    memcpy(at + sizeof h, frame->data, caplen);
    memset(at + sizeof h + caplen, 0, data - caplen);
    memcpy(at + sizeof h + data, &tail, sizeof tail);
    tap->used += total;
}

void scn_pcap_close(struct scn_pcap *tap)
{
    if (!tap)
        return;
    tap_flush_blocks(tap);
    tap_wait(tap, 0);
    tap_wait(tap, 1);
    /* the partial last block: O_DIRECT writes only whole ones */
    if (tap->used && tap->direct && fcntl(tap->fd, F_SETFL, fcntl(tap->fd, F_GETFL) & ~O_DIRECT) < 0)
        tap_error(tap, errno);
    tap_pwrite(tap, tap->buf[tap->cur], tap->used, tap->off);
    if (close(tap->fd) < 0)
        tap_error(tap, errno);
    free(tap->buf[0]);
    free(tap->buf[1]);
    free(tap);
}
