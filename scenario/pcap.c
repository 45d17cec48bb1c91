/*
 * Pcap taps. The file is the standard pcap format (libpcap's file header and
 * constants, nanosecond magic, host byte order, as pcap_dump writes it: the
 * bytes are the same); the records are written here rather than by pcap_dump
 * because of how they reach the disk. A tap fills one block-aligned buffer of
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
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/xalloc.h"

#define TAP_BLOCK 4096u          /* O_DIRECT: buffers, offsets and sizes aligned to it */
#define TAP_BUF (1u << 20)       /* room for hundreds of frames between writes */
#define TAP_SNAPLEN 65535u
#define TAP_MAGIC_NSEC 0xa1b23c4du   /* pcap with nanosecond timestamps */

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
    char path[];
};

/* What pcap_dump writes before each frame (its struct pcap_sf_pkthdr). */
struct tap_record {
    uint32_t sec, nsec, caplen, len;
};

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

struct scn_pcap *scn_pcap_open(const char *path)
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
    *tap = (struct scn_pcap){ .fd = fd, .direct = direct };
    memcpy(tap->path, path, plen);
    for (int i = 0; i < 2; i++)
        if (!(tap->buf[i] = aligned_alloc(TAP_BLOCK, TAP_BUF)))
            xalloc_fail("pcap buffer");
    const struct pcap_file_header h = { .magic = TAP_MAGIC_NSEC, .version_major = PCAP_VERSION_MAJOR,
                                        .version_minor = PCAP_VERSION_MINOR, .snaplen = TAP_SNAPLEN,
                                        .linktype = DLT_EN10MB };
    memcpy(tap->buf[0], &h, sizeof h);
    tap->used = sizeof h;
    return tap;
}

void scn_pcap_write(struct scn_pcap *tap, const struct pkt *frame, sim_time_t t)
{
    if (!tap || tap->failed)
        return;
    uint32_t caplen = frame->len < TAP_SNAPLEN ? frame->len : TAP_SNAPLEN;
    const struct tap_record r = { .sec = (uint32_t)(t / SIM_S), .nsec = (uint32_t)(t % SIM_S),
                                  .caplen = caplen, .len = frame->len };
    if (tap->used + sizeof r + caplen > TAP_BUF)
        tap_flush_blocks(tap);
    uint8_t *at = tap->buf[tap->cur] + tap->used;
    memcpy(at, &r, sizeof r);
    memcpy(at + sizeof r, frame->data, caplen);
    tap->used += sizeof r + caplen;
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
