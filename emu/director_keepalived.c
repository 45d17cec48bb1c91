/* keepalived.conf on the emulated director: checkers, VRRP, sync, an event log. */
#include "emu/director_keepalived.h"

#include <arpa/inet.h>
#include <string.h>

#include "lvs/keepalived/check.h"
#include "lvs/keepalived/conf.h"
#include "lvs/keepalived/vrrp_start.h"
#include "net/host.h"

/* An event line starts with the director's clock: the loop's time that
 * emu/clock.c reads (ev_now), in seconds since the Epoch, so that the logs
 * of two directors on one machine can be laid side by side. */
static double now(const struct emu_keepalived *k) { return ev_now(k->loop); }

static void on_check_event(void *ctx, const struct ka_event *ev)
{
    struct emu_keepalived *k = ctx;
    struct in_addr in = { htonl(ev->rs_addr) };
    fprintf(k->log, "%.6f keepalived: %s %s %s:%u: %s\n", now(k), ka_event_kind_name(ev->kind), ev->service,
            ev->rs_addr ? inet_ntoa(in) : "-", ev->rs_port, ev->text);
    fflush(k->log);
}

/* A takeover for want of adverts also says when the last one came, on the
 * same clock: the master that stopped sending cannot log it. */
static void on_vrrp_event(void *ctx, const struct vrrp_event *ev)
{
    struct emu_keepalived *k = ctx;
    ka_sync_daemon_follow(&k->sync, k->ipvs, ev);
    fprintf(k->log, "%.6f keepalived: vrrp_instance %s: %s -> %s (%s)", now(k), ev->instance,
            vrrp_state_name(ev->from), vrrp_state_name(ev->to), vrrp_reason_name(ev->reason));
    const struct vrrp_instance *vi =
        ev->reason == VRRP_REASON_MASTER_DOWN && k->vrrp ? vrrp_instance_find(k->vrrp, ev->instance) : NULL;
    if (vi && vi->master_addr && vi->last_advert) {
        struct in_addr in = { htonl(vi->master_addr) };
        fprintf(k->log, ", last advert from %s at %.6f", inet_ntoa(in),
                now(k) - (double)(ev->time - vi->last_advert) * 1e-9);
    }
    fputc('\n', k->log);
    fflush(k->log);
}

int emu_keepalived_start(struct emu_keepalived *k, const char *path, struct ipvs *ipvs, struct ev_loop *loop,
                         FILE *log, bool *vrrp, char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    k->log = log;
    k->loop = loop;
    k->ipvs = ipvs;
    emu_misc_init(&k->misc, loop, log);
    *vrrp = false;
    struct ka_conf conf;
    if (ka_conf_parse_file(path, &conf, err, errlen) < 0)
        return -1;
    for (const char *line = conf.warnings, *end; line && *line; line = end + 1) {
        end = strchr(line, '\n');
        fprintf(log, "keepalived: warning: %.*s\n", (int)(end - line), line);
    }
    fflush(log);
    int rc = ka_sync_daemon_start(&k->sync, &conf, ipvs, ipvs->host->name, err, errlen);
    if (rc == 0) {
        k->checks = ka_conf_apply(&conf, ipvs,
                                  &(struct ka_checks_opts){ .event = on_check_event, .event_ctx = k,
                                                            .misc = emu_misc_run, .misc_cancel = emu_misc_cancel,
                                                            .misc_ctx = &k->misc },
                                  err, errlen);
        rc = k->checks ? 0 : -1;
    }
    if (rc == 0)
        rc = ka_vrrp_start(&conf, ipvs->host, &(struct ka_vrrp_hooks){ .event = on_vrrp_event, .event_ctx = k },
                           &k->vrrp, err, errlen);
    *vrrp = k->vrrp != NULL;
    ka_conf_free(&conf);
    return rc;
}

void emu_keepalived_shutdown(struct emu_keepalived *k)
{
    if (k->vrrp)
        vrrp_daemon_stop(k->vrrp, true);
    emu_misc_stop(&k->misc);
    if (k->checks)
        ka_checks_shutdown(k->checks);
}

void emu_keepalived_stop(struct emu_keepalived *k)
{
    emu_misc_stop(&k->misc);
    if (k->vrrp)
        vrrp_daemon_free(k->vrrp);
    if (k->checks)
        ka_checks_free(k->checks);
    k->vrrp = NULL;
    k->checks = NULL;
}
