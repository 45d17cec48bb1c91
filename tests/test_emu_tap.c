/* The device seam on a real interface: a host stack on a TAP (attached to a
 * bridge with a veth into a namespace) answers ARP and ping from the Linux
 * kernel in that namespace, on libev's clock. Needs root and /dev/net/tun:
 * skipped without them. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu/clock.h"
#include "emu/exec.h"
#include "emu/tap.h"
#include "net/icmp.h"

static char ns[32], br[16], veth[16], tapname[16];

static void cleanup(void)
{
    if (!ns[0])
        return;               /* skipped before anything was made */
    char err[256];
    emu_execl(NULL, err, sizeof err, "ip", "netns", "del", ns, NULL);
    emu_execl(NULL, err, sizeof err, "ip", "link", "del", br, NULL);
    emu_execl(NULL, err, sizeof err, "ip", "link", "del", tapname, NULL);
}

static pid_t pinger;
static int ping_status = -1;

static void check_ping(struct ev_loop *loop, ev_child *w, int revents)
{
    (void)revents;
    ping_status = w->rstatus;
    ev_child_stop(loop, w);
    ev_break(loop, EVBREAK_ALL);
}

static void give_up(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)w, (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

Test(emu_tap, the_stack_answers_the_kernel_through_a_tap, .timeout = 30, .fini = cleanup)
{
    if (geteuid() != 0)
        cr_skip_test("needs root");
    if (access("/dev/net/tun", R_OK | W_OK) != 0)
        cr_skip_test("needs /dev/net/tun");
    int id = (int)(getpid() % 10000);
    snprintf(ns, sizeof ns, "lvslab-tap%d", id);
    snprintf(br, sizeof br, "lbt%d", id);
    snprintf(veth, sizeof veth, "lvt%d", id);
    snprintf(tapname, sizeof tapname, "ltap%d", id);
    char err[512];
    cr_assert_eq(emu_execl(NULL, err, sizeof err, "ip", "netns", "add", ns, NULL), 0, "%s", err);
    cr_assert_eq(emu_execl(NULL, err, sizeof err, "ip", "link", "add", br, "type", "bridge", NULL), 0, "%s", err);
    emu_execl(NULL, err, sizeof err, "ip", "link", "set", br, "type", "bridge", "forward_delay", "0", NULL);
    emu_execl(NULL, err, sizeof err, "ip", "link", "set", br, "up", NULL);
    cr_assert_eq(emu_execl(NULL, err, sizeof err, "ip", "link", "add", veth, "type", "veth", "peer",
                           "name", "eth0", "netns", ns, NULL), 0, "%s", err);
    emu_execl(NULL, err, sizeof err, "ip", "link", "set", veth, "master", br, "up", NULL);
    emu_execl(ns, err, sizeof err, "ip", "addr", "add", "10.203.0.1/24", "dev", "eth0", NULL);
    emu_execl(ns, err, sizeof err, "ip", "link", "set", "eth0", "up", NULL);

    struct ev_loop *loop = ev_default_loop(0);   /* child watchers live only there */
    struct emu_clock clock;
    emu_clock_init(&clock, loop);
    struct pkt_pool *pool = pkt_pool_new();
    struct host *h = host_new("lvslab", emu_clock_rt(&clock), pool, 1);
    const uint8_t mac[6] = { 0x02, 0x4c, 0x56, 0, 0, 1 };
    struct netif *nif = host_add_netif(h, "eth0", mac, NULL, NULL);
    netif_add_addr(nif, 0x0acb0002, 24);   /* 10.203.0.2 */
    struct emu_tap tap;
    cr_assert_eq(emu_tap_open(&tap, tapname, err, sizeof err), 0, "%s", err);
    cr_assert_eq(emu_tap_up(&tap, 1500, br, err, sizeof err), 0, "%s", err);
    emu_tap_bind(&tap, loop, nif);

    char *argv[] = { "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.203.0.2", NULL };
    pinger = emu_spawn(ns, argv, NULL, err, sizeof err);
    cr_assert_gt(pinger, 0, "%s", err);
    ev_child child;
    ev_child_init(&child, check_ping, pinger, 0);
    ev_child_start(loop, &child);
    ev_timer deadline;
    ev_timer_init(&deadline, give_up, 15.0, 0.0);
    ev_timer_start(loop, &deadline);
    ev_run(loop, 0);
    if (ping_status < 0) {
        kill(-pinger, SIGKILL);
        waitpid(pinger, NULL, 0);
    }
    cr_assert(WIFEXITED(ping_status) && WEXITSTATUS(ping_status) == 0,
              "the kernel's ping got no answer (status %d)", ping_status);
    cr_assert_geq(icmp_stats(h)->echo_requests, 3);
    cr_assert_gt(tap.rx_frames, 3);

    emu_tap_close(&tap);
    host_free(h);
    cr_assert_eq(pkt_pool_free(pool), 0);
    ev_timer_stop(loop, &deadline);
    emu_clock_destroy(&clock);
}
