/* `lvslab emu ...`: the emulated world's subcommands. */
#include <signal.h>
#include <string.h>

#include "emu/ipip_endpoint.h"
#include "sim/cli.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int tun_endpoint(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(err, "usage: lvslab emu tun-endpoint DEVICE\n"
                     "  Decapsulate IP-in-IP packets for this host onto the TUN device DEVICE\n"
                     "  (created if missing; give it the VIP). Runs until SIGINT or SIGTERM.\n");
        return argc == 2 && !strcmp(argv[1], "--help") ? CLI_OK : CLI_USAGE;
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct emu_ipip_stats stats;
    char msg[256];
    if (emu_ipip_endpoint_run(argv[1], &stop_requested, &stats, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu tun-endpoint: %s\n", msg);
        return CLI_FAILED;
    }
    fprintf(out, "decapsulated=%llu malformed=%llu write_errors=%llu\n",
            (unsigned long long)stats.decapsulated, (unsigned long long)stats.malformed,
            (unsigned long long)stats.write_errors);
    return CLI_OK;
}

static int emu_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc >= 2 && !strcmp(argv[1], "tun-endpoint"))
        return tun_endpoint(argc - 1, argv + 1, out, err);
    fprintf(argc >= 2 && !strcmp(argv[1], "--help") ? out : err,
            "usage: lvslab emu SUBCOMMAND\n"
            "  tun-endpoint DEVICE   userspace IP-in-IP decapsulation for a TUN-mode real server\n");
    return argc >= 2 && !strcmp(argv[1], "--help") ? CLI_OK : CLI_USAGE;
}

const struct cli_command cli_emu = {
    .name = "emu",
    .summary = "the emulated world: real interfaces, namespaces",
    .main = emu_main,
};
