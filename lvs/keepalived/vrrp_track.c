/*
 * keepalived's vrrp_script and track_script: each script runs every
 * interval (the embedder answers it); `fall` failures in a row fail a
 * passing script, `rise` passes in a row bring a failed one back (a script
 * starts passing, or failed with init_fail). An instance's effective
 * priority is its configured one plus the weights of its tracked scripts
 * (weight > 0 while passing, weight < 0 while failing), kept within 1..254
 * as keepalived's; a failing script of weight 0 is a fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/keepalived/vrrp_int.h"

void vrrp_daemon_set_script_fn(struct vrrp_daemon *d, vrrp_script_fn fn, void *ctx)
{
    d->script_fn = fn;
    d->script_ctx = ctx;
}

static void script_run(void *arg)
{
    struct vrrp_script_run *s = arg;
    struct vrrp_daemon *d = s->d;
    bool pass = d->script_fn(d->script_ctx, s->conf.script);
    rt_timer_arm_in(d->h->rt, &s->timer, s->conf.interval);
    if (pass == s->ok) {
        s->streak = 0;
        return;
    }
    if (++s->streak < (s->ok ? s->conf.fall : s->conf.rise))
        return;
    s->ok = pass;
    s->streak = 0;
    vrrp_track_changed(d, s->index);
}

int vrrp_script_add(struct vrrp_daemon *d, const struct vrrp_script_conf *c, char *err, size_t errlen)
{
    if (!d->script_fn) {
        snprintf(err, errlen, "%s: nothing here runs vrrp_scripts", c->name);
        return -1;
    }
    if (d->nscripts == VRRP_MAX_SCRIPTS) {
        snprintf(err, errlen, "%s: more than %d vrrp_scripts", c->name, VRRP_MAX_SCRIPTS);
        return -1;
    }
    if (c->interval <= 0 || c->rise < 1 || c->fall < 1) {
        snprintf(err, errlen, "%s: interval, rise and fall must be positive", c->name);
        return -1;
    }
    struct vrrp_script_run *s = xcalloc(1, sizeof *s);
    s->d = d;
    s->index = d->nscripts;
    s->conf = *c;
    s->ok = !c->init_fail;
    rt_timer_init(&s->timer, script_run, s);
    d->scripts[d->nscripts++] = s;
    return s->index;
}

bool vrrp_script_ok(const struct vrrp_daemon *d, int script)
{
    return script >= 0 && script < d->nscripts && d->scripts[script]->ok;
}

/* keepalived runs every script as it starts, then every interval. */
void vrrp_scripts_start(struct vrrp_daemon *d)
{
    for (int i = 0; i < d->nscripts; i++) {
        d->scripts[i]->ok = !d->scripts[i]->conf.init_fail;
        d->scripts[i]->streak = 0;
        rt_timer_arm_in(d->h->rt, &d->scripts[i]->timer, 0);
    }
}

void vrrp_scripts_stop(struct vrrp_daemon *d)
{
    for (int i = 0; i < d->nscripts; i++)
        rt_timer_cancel(d->h->rt, &d->scripts[i]->timer);
}

void vrrp_scripts_free(struct vrrp_daemon *d)
{
    vrrp_scripts_stop(d);
    for (int i = 0; i < d->nscripts; i++)
        free(d->scripts[i]);
    d->nscripts = 0;
}

void vrrp_track_eval(struct vrrp_instance *vi)
{
    const struct ka_vrrp_conf *c = &vi->conf;
    int prio = c->priority;
    bool faulty = false;
    for (int t = 0; t < c->ntracks; t++) {
        bool ok = vrrp_script_ok(vi->d, c->tracks[t].script);
        int w = c->tracks[t].weight;
        if (w == 0)
            faulty |= !ok;
        else if ((w > 0) == ok)
            prio += w;
    }
    if (c->priority != 255)          /* the owner's never moves */
        prio = prio < 1 ? 1 : prio > 254 ? 254 : prio;
    vi->priority = (uint8_t)prio;
    vi->faulty = faulty;
}
