/* `lvslab emu director`: one scenario director on TAPs (or existing
 * interfaces) until signalled. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd/emu.h"
#include "emu/director.h"
#include "cmd/cmd.h"

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: lvslab emu director SCENARIO [--mode MODE] [--set KEY=VALUE]... [--tag TAG]\n"
               "                          [--node NAME] [--iface IFACE=DEVICE]... [--pcap DIR]\n"
               "                          [--status FILE] [--ready FILE] [--shaped]\n"
               "  Run the director NAME (default: the first) of one run of SCENARIO on TAP\n"
               "  devices joined to the bridges of the emulated world TAG (lvslab emu up, which\n"
               "  starts it this way; --shaped: built with 'emu up --shape', where delayed links\n"
               "  reach a switch through a bridge of their own). --iface eth0=veth3 puts the\n"
               "  director's interface eth0 (as the scenario names it) on the existing, up\n"
               "  interface veth3 instead of a TAP: its frames are read and written through\n"
               "  libpcap (AF_PACKET), GRO, LRO, TSO and GSO are off on it until the director\n"
               "  stops (docs/emulation.md).\n"
               "  SIGUSR1 writes 'ipvsadm -L -n', '-L -n --stats', the director's drop and\n"
               "  SYN-proxy counters and each interface's to FILE (default: stdout); --pcap DIR\n"
               "  captures every interface to DIR/NODE-IFACE.pcap; --ready FILE is created once\n"
               "  the rules are in. Runs until SIGINT or SIGTERM, then stops keepalived as\n"
               "  keepalived does (VRRP masters send priority 0).\n");
    return rc;
}

struct run_ctx {
    struct emu_director *d;
    const char *status;
};

static void on_stop(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)w, (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

/* The listing, replaced whole (a reader never sees half of it). */
static void on_list(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)loop, (void)revents;
    struct run_ctx *c = w->data;
    if (!c->status) {
        emu_director_list(c->d, stdout);
        fflush(stdout);
        return;
    }
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", c->status);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        perror(tmp);
        return;
    }
    emu_director_list(c->d, f);
    if (fclose(f) == 0)
        rename(tmp, c->status);
}

/* Signals in, the ready mark made, then the loop until SIGINT or SIGTERM. */
static int serve(struct ev_loop *loop, struct emu_director *d, const char *name, const char *tag,
                 const char *status, const char *ready, FILE *out, FILE *err)
{
    struct run_ctx ctx = { .d = d, .status = status };
    ev_signal sigint, sigterm, sigusr1;
    ev_signal_init(&sigint, on_stop, SIGINT);
    ev_signal_init(&sigterm, on_stop, SIGTERM);
    ev_signal_init(&sigusr1, on_list, SIGUSR1);
    sigusr1.data = &ctx;
    ev_signal_start(loop, &sigint);
    ev_signal_start(loop, &sigterm);
    ev_signal_start(loop, &sigusr1);
    FILE *mark = ready ? fopen(ready, "w") : NULL;
    int rc = CMD_OK;
    if (mark) {
        fclose(mark);
    } else if (ready) {
        fprintf(err, "lvslab emu director: %s: cannot create the ready mark\n", ready);
        rc = CMD_FAILED;
    }
    if (rc == CMD_OK) {
        fprintf(out, "%s: director up on %d TAPs and %d existing interfaces (tag %s)\n", name, d->ntaps,
                d->ndevs, tag);
        fflush(out);
        ev_run(loop, 0);
        emu_director_shutdown(d);
        for (int i = 0; i < d->ntaps; i++)
            emu_tap_print_counters(&d->taps[i], out);
        for (int i = 0; i < d->ndevs; i++)
            emu_pcap_dev_print_counters(&d->devs[i], out);
    }
    ev_signal_stop(loop, &sigint);
    ev_signal_stop(loop, &sigterm);
    ev_signal_stop(loop, &sigusr1);
    return rc;
}

/* --iface IFACE=DEVICE, pointing into arg (argv: it outlives the run); 0,
 * or -1 with a message naming the argument. */
static int parse_iface(char *arg, struct emu_director_iface *e, FILE *err)
{
    char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        fprintf(err, "lvslab emu director: --iface %s: not IFACE=DEVICE (the director's interface in the "
                     "scenario, then an existing interface)\n", arg);
        return -1;
    }
    *eq = '\0';
    e->name = arg;
    e->device = eq + 1;
    return 0;
}

static int find_director(const struct scn_topo *t, const char *node)
{
    for (int i = 0; i < t->ndirectors; i++)
        if (!node || !strcmp(t->nodes[t->directors[i].node].name, node))
            return i;
    return -1;
}

/* The director's own options, beside the shared ones. */
struct director_args {
    const char *node, *status, *ready;
    bool shaped;
    struct emu_director_iface ifaces[SCN_MAX_IFS];
    int nifaces;
};

static int director_opt(void *ctx, const char *arg, const char *next, FILE *err)
{
    struct director_args *d = ctx;
    if (!strcmp(arg, "--shaped")) {
        d->shaped = true;
        return 1;
    }
    const char **value = !strcmp(arg, "--node") ? &d->node : !strcmp(arg, "--status") ? &d->status
                       : !strcmp(arg, "--ready") ? &d->ready : NULL;
    bool iface = !strcmp(arg, "--iface");
    if (!value && !iface)
        return 0;
    if (!next) {
        fprintf(err, "lvslab emu director: %s needs a value\n", arg);
        return -1;
    }
    if (value) {
        *value = next;
        return 2;
    }
    if (d->nifaces == SCN_MAX_IFS) {
        fprintf(err, "lvslab emu director: --iface %s: at most %d --iface options\n", next, SCN_MAX_IFS);
        return -1;
    }
    return parse_iface((char *)next, &d->ifaces[d->nifaces++], err) < 0 ? -1 : 2;
}

int cmd_emu_director(int argc, char **argv, FILE *out, FILE *err)
{
    struct cmd_args a;
    struct director_args da = { 0 };
    int parsed = cmd_args_parse(&a, "lvslab emu director", CMD_EMU_ONE_RUN_ARGS, director_opt, &da, argc, argv,
                                err);
    if (parsed)
        return parsed > 0 ? usage(out, CMD_OK) : usage(err, CMD_USAGE);
    const char *script = a.script, *tag = a.tag ? a.tag : "lv", *node = da.node;
    struct scenario sc;
    struct scn_run run;
    struct scn_topo topo;
    char msg[512];
    if (scenario_load_run(script, a.modes, a.sets, a.nsets, &sc, &run, &topo, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu director: %s\n", msg);
        return CMD_USAGE;
    }
    int index = find_director(&topo, node);
    int rc = CMD_OK;
    if (index < 0) {
        fprintf(err, "lvslab emu director: %s has no director%s%s\n", script, node ? " on " : "", node ? node : "");
        rc = CMD_USAGE;
    }
    struct emu_director_opts opts = {
        .tag = tag, .shaped = da.shaped, .pcap_dir = a.pcap_dir, .log = err, .ifaces = da.ifaces,
        .nifaces = da.nifaces,
    };
    if (rc == CMD_OK && emu_director_check_ifaces(&topo, index, &opts, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu director: %s\n", msg);
        rc = CMD_USAGE;
    }
    struct ev_loop *loop = ev_default_loop(0);
    struct emu_director d;
    bool started = rc == CMD_OK;      /* stopped below even when the start fails half-way */
    if (started && emu_director_start(&d, loop, &topo, index, &opts, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu director: %s\n", msg);
        rc = CMD_FAILED;
    }
    if (rc == CMD_OK)
        rc = serve(loop, &d, topo.nodes[topo.directors[index].node].name, tag, da.status, da.ready, out, err);
    if (started) {
        size_t live = emu_director_stop(&d);
        if (live)
            fprintf(err, "lvslab emu director: %zu packet buffers still live at exit\n", live);
    }
    scn_topo_free(&topo);
    scenario_free(&sc);
    return rc;
}
