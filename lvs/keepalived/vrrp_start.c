/* Starting keepalived.conf's vrrp_instance blocks on a director's host. */
#include "lvs/keepalived/vrrp_start.h"

#include <stdio.h>
#include <string.h>

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
    }
    out->nvips = in->nvips;
    out->garp_master_repeat = (unsigned)in->garp_master_repeat;
    out->garp_master_delay = in->garp_master_delay;
    return true;
}

int ka_vrrp_start(const struct ka_conf *conf, struct host *h, vrrp_event_fn fn, void *ctx, struct vrrp_daemon **out,
                  char *err, size_t errlen)
{
    *out = NULL;
    if (conf->nvrrp == 0)
        return 0;
    struct vrrp_daemon *d = vrrp_daemon_new(h, fn, ctx);
    for (int i = 0; i < conf->nvrrp; i++) {
        const struct ka_vrrp_instance *in = &conf->vrrp[i];
        struct ka_vrrp_conf c;
        char msg[256];
        if (!to_engine(conf, in, &c, err, errlen)) {
            vrrp_daemon_free(d);
            return -1;
        }
        if (!vrrp_instance_add(d, &c, msg, sizeof msg)) {
            snprintf(err, errlen, "%s:%d: vrrp_instance %s: %s", conf->file, in->line, in->name, msg);
            vrrp_daemon_free(d);
            return -1;
        }
    }
    vrrp_daemon_start(d);
    *out = d;
    return 0;
}
