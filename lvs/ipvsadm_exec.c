/*
 * Executing a parsed ipvsadm command on the director's tables, as ipvsadm's
 * process_options hands it to libipvs and the kernel: each command is one
 * table operation that either succeeds or changes nothing, and its errno is
 * reported with libipvs's text.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "lvs/ipvsadm.h"
#include "lvs/sched.h"

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int kernel_result(int r, enum ipvs_op op, char *err, size_t errlen)
{
    return r < 0 ? fail(err, errlen, "%s", ipvs_strerror(op, r)) : 0;
}

/* A service added or edited: libipvs's text, and for an unknown scheduler
 * (ENOENT) its name and the schedulers there are, which libipvs leaves
 * the user to guess. */
static int service_result(int r, enum ipvs_op op, const struct ipvs_service_conf *svc, char *err, size_t errlen)
{
    if (r != -ENOENT || ipvs_sched_find(svc->sched_name))
        return kernel_result(r, op, err, errlen);
    char names[256] = "";
    size_t used = 0;
    for (int i = 0; ipvs_schedulers[i] && used < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", ipvs_schedulers[i]->name);
    return fail(err, errlen, "%s: scheduler `%s' not found (schedulers: %s)", ipvs_strerror(op, r), svc->sched_name,
                names);
}

/* The kernel's ip_vs_set_timeout: each at most INT_MAX / HZ seconds (HZ
 * 250, as lvslab's other jiffies), else EINVAL; a zero leaves that timeout
 * as it was. */
#define IPVS_HZ 250
static int set_timeouts(struct ipvs *ipvs, const struct ipvs_timeouts *t)
{
    const uint32_t max = INT_MAX / IPVS_HZ;
    if (t->tcp > max || t->tcpfin > max || t->udp > max)
        return -EINVAL;
    if (t->tcp)
        ipvs->timeouts.tcp = t->tcp;
    if (t->tcpfin)
        ipvs->timeouts.tcpfin = t->tcpfin;
    if (t->udp)
        ipvs->timeouts.udp = t->udp;
    return 0;
}

static struct ipvs_service *find_service(struct ipvs *ipvs, const struct ipvs_service_conf *c)
{
    return ipvs_service_find(ipvs, c->protocol, c->addr, c->port, c->fwmark);
}

static int list(struct ipvs *ipvs, const struct ipvsadm_cmd *c, const struct ipvsadm_io *io, char *err,
                size_t errlen)
{
    if (!io || !io->out)
        return fail(err, errlen, "a listing needs an output");
    if (c->options & (1u << IPVSADM_OPT_CONNECTION)) {
        ipvsadm_list_conns(io->conns, io->conns_arg, c->format, io->out);
    } else if (c->options & (1u << IPVSADM_OPT_SERVICE)) {
        const struct ipvs_service *s = find_service(ipvs, &c->svc);
        if (!s)
            return fail(err, errlen, "No such service");
        ipvsadm_list_service(s, c->format, io->out);
    } else if (c->options & (1u << IPVSADM_OPT_TIMEOUT)) {
        ipvsadm_list_timeout(ipvs, io->out);
    } else {
        ipvsadm_list_all(ipvs, c->format, io->out);
    }
    return 0;
}

int ipvsadm_exec(struct ipvs *ipvs, const struct ipvsadm_cmd *c, const struct ipvsadm_io *io, char *err,
                 size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    switch (c->cmd) {
    case IPVSADM_CMD_LIST:
        return list(ipvs, c, io, err, errlen);
    case IPVSADM_CMD_FLUSH:
        ipvs_flush(ipvs);
        return 0;
    case IPVSADM_CMD_ADD:
        return service_result(ipvs_service_add(ipvs, &c->svc), IPVS_OP_ADD_SERVICE, &c->svc, err, errlen);
    case IPVSADM_CMD_EDIT:
        return service_result(ipvs_service_edit(ipvs, &c->svc), IPVS_OP_EDIT_SERVICE, &c->svc, err, errlen);
    case IPVSADM_CMD_DEL:
        return kernel_result(ipvs_service_del(ipvs, &c->svc), IPVS_OP_DEL_SERVICE, err, errlen);
    case IPVSADM_CMD_ZERO:
        if (!(c->options & (1u << IPVSADM_OPT_SERVICE))) {
            ipvs_zero(ipvs, NULL);
            return 0;
        }
        if (!find_service(ipvs, &c->svc))
            return kernel_result(-ESRCH, IPVS_OP_ZERO, err, errlen);
        ipvs_zero(ipvs, &c->svc);
        return 0;
    case IPVSADM_CMD_ADDDEST:
        return kernel_result(ipvs_dest_add(ipvs, &c->svc, &c->dest), IPVS_OP_ADD_DEST, err, errlen);
    case IPVSADM_CMD_EDITDEST:
        return kernel_result(ipvs_dest_edit(ipvs, &c->svc, &c->dest), IPVS_OP_EDIT_DEST, err, errlen);
    case IPVSADM_CMD_DELDEST:
        return kernel_result(ipvs_dest_del(ipvs, &c->svc, &c->dest), IPVS_OP_DEL_DEST, err, errlen);
    case IPVSADM_CMD_TIMEOUT:
        return kernel_result(set_timeouts(ipvs, &c->timeouts), IPVS_OP_SET_TIMEOUT, err, errlen);
    case IPVSADM_CMD_NONE:
        break;
    }
    return fail(err, errlen, "no command");
}

int ipvsadm_run(struct ipvs *ipvs, const char *line, const char *where, const struct ipvsadm_io *io,
                char *err, size_t errlen)
{
    struct ipvsadm_cmd c;
    char msg[256];
    int r = ipvsadm_parse(line, &c, msg, sizeof msg);
    if (r == 0)
        r = ipvsadm_exec(ipvs, &c, io, msg, sizeof msg);
    if (r < 0) {
        if (where)
            snprintf(err, errlen, "%s: %s", where, msg);
        else
            snprintf(err, errlen, "%s", msg);
    } else if (errlen) {
        err[0] = '\0';
    }
    return r;
}
