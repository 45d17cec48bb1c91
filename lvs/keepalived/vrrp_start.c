/* Starting keepalived.conf's vrrp_script, vrrp_instance and
 * vrrp_sync_group blocks on a director's host. */
#include "lvs/keepalived/vrrp_start.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"

/* One parsed instance as the VRRP engine takes it; false with err if it
 * asks for what the engine does not model. */
static bool to_engine(const struct ka_conf *conf, const struct ka_vrrp_instance *in, struct ka_vrrp_conf *out,
                      char *err, size_t errlen)
{
    const char *why = NULL;
    if (strlen(in->name) >= sizeof out->name)
        why = "the name is longer than the VRRP engine keeps";
    else if (in->nvips > VRRP_MAX_VIPS)
        why = "more virtual addresses than one advert carries here (16)";
    else if (in->auth_type == KA_AUTH_AH)
        why = "auth_type AH is not modelled (use PASS or none)";
    else if (strlen(in->interface) >= sizeof out->interface)
        why = "the interface name is too long";
    if (why) {
        snprintf(err, errlen, "%s:%d: vrrp_instance %s: %s", conf->file, in->line, in->name, why);
        return false;
    }
    vrrp_conf_defaults(out);
    memcpy(out->name, in->name, strlen(in->name) + 1);             /* both lengths checked above */
    memcpy(out->interface, in->interface, strlen(in->interface) + 1);
    out->state = in->state == KA_VRRP_MASTER ? VRRP_STATE_MASTER : VRRP_STATE_BACKUP;
    out->vrid = (uint8_t)in->virtual_router_id;
    out->priority = (uint8_t)in->priority;
    out->version = (uint8_t)in->version;
    out->advert_int = in->advert_int;
    out->nopreempt = in->nopreempt;
    out->preempt_delay = in->preempt_delay;
    out->auth_type = in->auth_type == KA_AUTH_PASS ? VRRP_AUTH_PASS : VRRP_AUTH_NONE;
    memcpy(out->auth_pass, in->auth_pass, sizeof out->auth_pass);
    for (int i = 0; i < in->nvips; i++) {
        out->vips[i] = in->vips[i].addr;
        out->vip_prefix[i] = (uint8_t)in->vips[i].prefix;
        if (strlen(in->vips[i].dev) >= sizeof out->vip_dev[i]) {
            snprintf(err, errlen, "%s:%d: vrrp_instance %s: virtual_ipaddress dev %s: the name is too long",
                     conf->file, in->line, in->name, in->vips[i].dev);
            return false;
        }
        memcpy(out->vip_dev[i], in->vips[i].dev, strlen(in->vips[i].dev) + 1);
    }
    out->nvips = in->nvips;
    out->garp_master_repeat = (unsigned)in->garp_master_repeat;
    out->garp_master_delay = in->garp_master_delay;
    out->ntracks = in->ntrack;
    for (int t = 0; t < in->ntrack; t++)
        out->tracks[t] = (struct vrrp_track){ .script = in->track[t].script, .weight = in->track[t].weight };
    return true;
}

static int add_scripts(const struct ka_conf *conf, struct vrrp_daemon *d, char *err, size_t errlen)
{
    for (int i = 0; i < conf->nscripts; i++) {
        const struct ka_vrrp_script *in = &conf->scripts[i];
        struct vrrp_script_conf c = { .interval = in->interval, .rise = in->rise, .fall = in->fall,
                                      .init_fail = in->init_fail };
        char msg[256];
        if (strlen(in->name) >= sizeof c.name || strlen(in->script) >= sizeof c.script) {
            snprintf(err, errlen, "%s:%d: vrrp_script %s: the name or the script is longer than kept here",
                     conf->file, in->line, in->name);
            return -1;
        }
        memcpy(c.name, in->name, strlen(in->name) + 1);
        memcpy(c.script, in->script, strlen(in->script) + 1);
        if (vrrp_script_add(d, &c, msg, sizeof msg) != i) {
            snprintf(err, errlen, "%s:%d: vrrp_script %s: %s", conf->file, in->line, in->name, msg);
            return -1;
        }
    }
    return 0;
}

static int add_groups(const struct ka_conf *conf, struct vrrp_daemon *d, struct vrrp_instance *const *inst,
                      char *err, size_t errlen)
{
    for (int g = 0; g < conf->ngroups; g++) {
        const struct ka_sync_group *in = &conf->groups[g];
        struct vrrp_instance *members[KA_MAX_SYNC_MEMBERS];
        char msg[256];
        for (int m = 0; m < in->nmembers; m++)
            members[m] = inst[in->members[m]];
        if (vrrp_sync_group_add(d, members, in->nmembers, msg, sizeof msg) < 0) {
            snprintf(err, errlen, "%s:%d: vrrp_sync_group %s: %s", conf->file, in->line, in->name, msg);
            return -1;
        }
    }
    return 0;
}

int ka_vrrp_start(const struct ka_conf *conf, struct host *h, const struct ka_vrrp_hooks *hooks,
                  struct vrrp_daemon **out, char *err, size_t errlen)
{
    *out = NULL;
    if (conf->nvrrp == 0)
        return 0;
    if (conf->nscripts && !hooks->script) {
        snprintf(err, errlen, "%s:%d: vrrp_script %s: nothing here answers vrrp_scripts (the simulation asks "
                 "the scenario's vrrp_script predicates)", conf->file, conf->scripts[0].line, conf->scripts[0].name);
        return -1;
    }
    struct vrrp_daemon *d = vrrp_daemon_new(h, hooks->event, hooks->event_ctx);
    struct vrrp_instance **inst = xcalloc((size_t)conf->nvrrp, sizeof *inst);
    vrrp_daemon_set_script_fn(d, hooks->script, hooks->script_ctx);
    if (add_scripts(conf, d, err, errlen) < 0) {
        free(inst);
        vrrp_daemon_free(d);
        return -1;
    }
    for (int i = 0; i < conf->nvrrp; i++) {
        const struct ka_vrrp_instance *in = &conf->vrrp[i];
        struct ka_vrrp_conf c;
        char msg[256];
        if (!to_engine(conf, in, &c, err, errlen)) {
            free(inst);
            vrrp_daemon_free(d);
            return -1;
        }
        if (!(inst[i] = vrrp_instance_add(d, &c, msg, sizeof msg))) {
            snprintf(err, errlen, "%s:%d: vrrp_instance %s: %s", conf->file, in->line, in->name, msg);
            free(inst);
            vrrp_daemon_free(d);
            return -1;
        }
    }
    int rc = add_groups(conf, d, inst, err, errlen);
    free(inst);
    if (rc < 0) {
        vrrp_daemon_free(d);
        return -1;
    }
    vrrp_daemon_start(d);
    *out = d;
    return 0;
}
