/*
 * The pool of a virtual server as keepalived's ipwrapper.c keeps it: which
 * real servers are alive, the IPVS commands that follow a change (a failed
 * server removed, or set to weight 0 with inhibit_on_failure; added back
 * with its configured weight), quorum with hysteresis over the live
 * servers' weights, and the sorry server that replaces the pool while
 * quorum is lost. Each change is reported as an event.
 */

#include "lvs/keepalived/check_int.h"

static const char *action_verb(const struct ka_rs *rs, bool add)
{
    if (rs->inhibit)
        return add ? "Enabling" : "Disabling";
    return add ? "Adding" : "Removing";
}

/* keepalived's ipvs_cmd for a dest: with inhibit_on_failure a removal is
 * an edit to weight 0 and an addition of a dest still in the table an
 * edit back to its weight; `force` removes even an inhibited dest. */
static int dest_cmd(struct ka_vs *vs, struct ka_rs *rs, bool add, bool force)
{
    struct ipvs *ipvs = vs->kc->ipvs;
    struct ipvs_dest_conf d = { .addr = rs->addr, .port = rs->port, .fwd = vs->fwd, .weight = rs->weight };
    if (!add && rs->inhibit && !force) {
        d.weight = 0;
        return ipvs_dest_edit(ipvs, &vs->svc, &d);
    }
    if (add && rs->inhibit && rs->set)
        return ipvs_dest_edit(ipvs, &vs->svc, &d);
    if (add) {
        if (rs->inhibit && rs->num_failed_checkers)
            d.weight = 0;
        int r = ipvs_dest_add(ipvs, &vs->svc, &d);
        rs->set = rs->set || r == 0;
        return r;
    }
    int r = ipvs_dest_del(ipvs, &vs->svc, &d);
    rs->set = rs->set && r != 0;
    return r;
}

static long live_weight(const struct ka_vs *vs)
{
    long sum = 0;
    for (int i = 0; i < vs->nrs; i++)
        if (vs->rs[i].alive)
            sum += vs->rs[i].weight;
    return sum;
}

/* perform_quorum_state: the live servers in or out of the table. */
static void quorum_pool(struct ka_vs *vs, bool add)
{
    for (int i = 0; i < vs->nrs; i++)
        if (vs->rs[i].alive)
            dest_cmd(vs, &vs->rs[i], add, false);
}

static void update_quorum(struct ka_vs *vs, bool init)
{
    struct ka_checks *kc = vs->kc;
    long sum = live_weight(vs);
    long threshold = (long)vs->quorum + (vs->quorum_up ? -1 : 1) * (long)vs->hysteresis;
    if (!vs->quorum_up && sum >= threshold) {
        vs->quorum_up = true;
        ka_emit(kc, KA_EV_QUORUM_GAINED, vs, NULL, "Gained quorum %u+%u=%ld <= %ld for VS %s", vs->quorum,
                vs->hysteresis, threshold, sum, vs->name);
        if (vs->has_sorry && vs->sorry.alive) {
            dest_cmd(vs, &vs->sorry, false, false);
            vs->sorry.alive = false;
            quorum_pool(vs, true);
            ka_emit(kc, KA_EV_SORRY_OUT, vs, &vs->sorry, "Removing sorry server from VS %s", vs->name);
        }
    } else if ((vs->quorum_up && (!sum || sum < threshold)) ||
               (init && !vs->quorum_up && vs->has_sorry && !vs->sorry.alive)) {
        vs->quorum_up = false;
        ka_emit(kc, KA_EV_QUORUM_LOST, vs, NULL, "%s %u-%u=%ld > %ld for VS %s",
                init ? "Starting with quorum down" : "Lost quorum", vs->quorum, vs->hysteresis, threshold, sum,
                vs->name);
        if (vs->has_sorry && !vs->sorry.alive) {
            quorum_pool(vs, false);
            dest_cmd(vs, &vs->sorry, true, false);
            vs->sorry.alive = true;
            ka_emit(kc, KA_EV_SORRY_IN, vs, &vs->sorry, "Adding sorry server to VS %s", vs->name);
        }
    }
}

/* perform_svr_state: false if IPVS refused the change. */
static bool server_state(struct ka_rs *rs, bool alive)
{
    struct ka_vs *vs = rs->vs;
    if (rs->alive == alive)
        return true;
    bool in_table = vs->quorum_up || !vs->has_sorry || !vs->sorry.alive;
    if (in_table && dest_cmd(vs, rs, alive, false))
        return false;
    rs->alive = alive;
    enum ka_event_kind kind = rs->inhibit ? (alive ? KA_EV_RS_WEIGHT_RESTORED : KA_EV_RS_WEIGHT_ZERO)
                                          : (alive ? KA_EV_RS_UP : KA_EV_RS_DOWN);
    ka_emit(vs->kc, kind, vs, rs, "%s service %s VS %s%s", action_verb(rs, alive),
            rs->inhibit ? "of" : alive ? "to" : "from", vs->name,
            in_table ? "" : " (the sorry server is in use: table unchanged)");
    update_quorum(vs, false);
    return true;
}

void ka_pool_set_checker_up(struct ka_checker *c, bool up)
{
    if (c->is_up == up)
        return;
    c->is_up = up;
    if (!up)
        c->rs->num_failed_checkers++;
    else if (c->rs->num_failed_checkers)
        c->rs->num_failed_checkers--;
}

void ka_pool_checker_state(struct ka_checker *c, bool alive)
{
    if (c->is_up == alive) {
        c->has_run = true;
        return;
    }
    c->has_run = true;
    if (alive ? c->rs->num_failed_checkers <= 1 : c->rs->num_failed_checkers == 0)
        if (!server_state(c->rs, alive))
            return;
    ka_pool_set_checker_up(c, alive);
}

/* update_svr_wgt: a new weight, in IPVS at once when the server is alive
 * in the table and the pool (not the sorry server) is in use. */
void ka_pool_set_weight(struct ka_rs *rs, int weight)
{
    struct ka_vs *vs = rs->vs;
    if (rs->weight == weight)
        return;
    ka_emit(vs->kc, KA_EV_RS_WEIGHT_CHANGED, vs, rs, "Changing weight from %d to %d for %sactive service of VS %s",
            rs->weight, weight, rs->alive ? "" : "in", vs->name);
    rs->weight = weight;
    bool pool_in_use = vs->quorum_up || !vs->has_sorry || !vs->sorry.alive;
    if (rs->set && rs->alive && pool_in_use) {
        struct ipvs_dest_conf d = { .addr = rs->addr, .port = rs->port, .fwd = vs->fwd, .weight = weight };
        ipvs_dest_edit(vs->kc->ipvs, &vs->svc, &d);
    }
    update_quorum(vs, false);
}

/* init_service_rs then update_quorum_state(init): the service is in IPVS. */
void ka_pool_init_vs(struct ka_vs *vs)
{
    for (int i = 0; i < vs->nrs; i++) {
        struct ka_rs *rs = &vs->rs[i];
        if ((!rs->num_failed_checkers && !rs->alive) || (rs->inhibit && !rs->set)) {
            dest_cmd(vs, rs, true, false);
            if (!rs->num_failed_checkers)
                rs->alive = true;
        }
    }
    update_quorum(vs, true);
}

/* clear_service_vs when keepalived stops: everything out, the service deleted. */
void ka_pool_clear_vs(struct ka_vs *vs)
{
    struct ka_checks *kc = vs->kc;
    if (vs->has_sorry && vs->sorry.set) {
        dest_cmd(vs, &vs->sorry, false, true);
        vs->sorry.alive = false;
    }
    for (int i = 0; i < vs->nrs; i++) {
        struct ka_rs *rs = &vs->rs[i];
        if (!rs->set)
            continue;
        dest_cmd(vs, rs, false, true);
        if (!rs->alive)
            continue;
        rs->alive = false;
        if (vs->omega)
            ka_emit(kc, KA_EV_RS_DOWN, vs, rs, "Shutting down service from VS %s", vs->name);
    }
    if (vs->omega && vs->quorum_up) {
        vs->quorum_up = false;
        ka_emit(kc, KA_EV_QUORUM_LOST, vs, NULL, "Shutting down: quorum down for VS %s", vs->name);
    }
    ipvs_service_del(kc->ipvs, &vs->svc);
}
