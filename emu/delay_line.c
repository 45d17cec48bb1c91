/* The delay line: two TAPs, a ring of timed frames per direction, libev;
 * a timerfd per direction wakes it when the next frame is due (libev's own
 * timers wait in whole milliseconds on epoll). */
#include "emu/delay_line.h"

#include <errno.h>
#include <ev.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "emu/frame_ring.h"
#include "emu/tap.h"
#include "engine/rng.h"

#define MAX_FRAME (sizeof(struct virtio_net_hdr) + 14 + 65535)
#define READS_PER_WAKE 64
#define MIN_QUEUE ((size_t)8 << 20)
#define MAX_QUEUE ((size_t)256 << 20)

/* One direction: frames read from in_fd wait in the ring until due, then
 * are written to out_fd. */
struct direction {
    int in_fd, out_fd;
    struct emu_frame_ring ring;
    int64_t last_due;          /* jitter never reorders */
    struct rng rng;
    ev_io readable;
    int timer_fd;              /* readable when the oldest frame is due */
    ev_io due;
    const struct emu_delay_params *p;
    uint64_t *passed, *lost, *dropped;
};

size_t emu_delay_queue_bytes(const struct emu_delay_params *p)
{
    double rate = p->rate_bps ? (double)p->rate_bps : 10e9;
    double bdp = rate / 8 * (double)(p->delay + p->jitter) * 1e-9;
    double bytes = 2 * bdp;
    return bytes < (double)MIN_QUEUE ? MIN_QUEUE : bytes > (double)MAX_QUEUE ? MAX_QUEUE : (size_t)bytes;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Write every frame that is due, then wait for the next one. */
static void send_due(struct direction *d)
{
    const uint8_t *frame;
    size_t len;
    int64_t due, now = now_ns();
    while (emu_frame_ring_peek(&d->ring, &frame, &len, &due) && due <= now) {
        if (write(d->out_fd, frame, len) == (ssize_t)len)
            (*d->passed)++;
        else
            (*d->dropped)++;   /* the far TAP is gone or down */
        emu_frame_ring_pop(&d->ring);
    }
    if (emu_frame_ring_peek(&d->ring, &frame, &len, &due)) {
        struct itimerspec at = { .it_value = { .tv_sec = due / 1000000000, .tv_nsec = due % 1000000000 } };
        timerfd_settime(d->timer_fd, TFD_TIMER_ABSTIME, &at, NULL);
    }
}

static void on_due(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    struct direction *d = w->data;
    uint64_t expirations;
    if (read(d->timer_fd, &expirations, sizeof expirations) == sizeof expirations)
        send_due(d);
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    struct direction *d = w->data;
    bool was_empty = d->ring.count == 0;
    static uint8_t discard[MAX_FRAME];
    for (int i = 0; i < READS_PER_WAKE; i++) {
        uint8_t *room = emu_frame_ring_reserve(&d->ring);
        ssize_t n = read(d->in_fd, room ? room : discard, MAX_FRAME);
        if (n <= 0)
            break;
        if (!room) {
            (*d->dropped)++;
            continue;
        }
        if (d->p->loss > 0 && rng_unit(&d->rng) < d->p->loss) {
            (*d->lost)++;
            continue;
        }
        int64_t due = now_ns() + d->p->delay;
        if (d->p->jitter)
            due += (int64_t)rng_below(&d->rng, (uint64_t)d->p->jitter + 1);
        if (due < d->last_due)
            due = d->last_due;
        d->last_due = due;
        emu_frame_ring_commit(&d->ring, (size_t)n, due);
    }
    if (was_empty && d->ring.count)
        send_due(d);
}

static void on_stop(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)w;
    (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

/* Direction i (0: a to b) from in_fd to out_fd; 0, or -1 with err. */
static int direction_init(struct direction *d, int i, int in_fd, int out_fd, const struct emu_delay_params *p,
                          struct emu_delay_stats *stats, char *err, size_t errlen)
{
    *d = (struct direction){ .in_fd = in_fd, .out_fd = out_fd, .p = p, .passed = &stats->passed[i],
                             .lost = &stats->lost[i], .dropped = &stats->dropped[i] };
    char stream[2 * EMU_DELAY_END_MAX + 8];
    snprintf(stream, sizeof stream, "link:%s>%s", p->ends[i], p->ends[!i]);
    rng_init(&d->rng, p->seed, stream);
    size_t queue = emu_delay_queue_bytes(p);
    d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (d->timer_fd < 0) {
        snprintf(err, errlen, "timerfd_create: %s", strerror(errno));
        return -1;
    }
    if (emu_frame_ring_init(&d->ring, queue, MAX_FRAME) < 0) {
        snprintf(err, errlen, "no memory for a %zu-byte delay queue", queue);
        return -1;
    }
    ev_io_init(&d->readable, on_readable, in_fd, EV_READ);
    ev_io_init(&d->due, on_due, d->timer_fd, EV_READ);
    d->readable.data = d->due.data = d;
    return 0;
}

static void direction_free(struct direction *d)
{
    emu_frame_ring_free(&d->ring);
    if (d->timer_fd > 0)
        close(d->timer_fd);
}

int emu_delay_line_run(const char *tap_a, const char *tap_b, const struct emu_delay_params *p,
                       struct emu_delay_stats *stats, char *err, size_t errlen)
{
    memset(stats, 0, sizeof *stats);
    /* with loss, no GSO: a lost frame is one segment */
    unsigned long offloads = TUN_F_CSUM | (p->loss == 0 ? TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN : 0);
    int fd[2] = { emu_tap_open_fd(tap_a, offloads, err, errlen), -1 };
    if (fd[0] >= 0)
        fd[1] = emu_tap_open_fd(tap_b, offloads, err, errlen);
    struct direction dir[2];
    memset(dir, 0, sizeof dir);
    int rc = fd[1] < 0 ? -1 : 0;
    for (int i = 0; i < 2 && !rc; i++)
        rc = direction_init(&dir[i], i, fd[i], fd[1 - i], p, stats, err, errlen);
    if (!rc) {
        struct ev_loop *loop = ev_default_loop(EVFLAG_AUTO);
        ev_signal term, intr;
        ev_signal_init(&term, on_stop, SIGTERM);
        ev_signal_init(&intr, on_stop, SIGINT);
        ev_signal_start(loop, &term);
        ev_signal_start(loop, &intr);
        for (int i = 0; i < 2; i++) {
            ev_io_start(loop, &dir[i].readable);
            ev_io_start(loop, &dir[i].due);
        }
        ev_run(loop, 0);
    }
    for (int i = 0; i < 2; i++) {
        direction_free(&dir[i]);
        if (fd[i] >= 0)
            close(fd[i]);
    }
    return rc;
}
