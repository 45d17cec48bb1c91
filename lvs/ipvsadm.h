/*
 * ipvsadm inside lvslab: one command line (as a scenario or `lvslab` gives
 * it, with or without the leading "ipvsadm") parsed with ipvsadm's rules and
 * messages into a struct ipvsadm_cmd, executed on a struct ipvs, and the
 * listings of `ipvsadm -L` in ipvsadm's layout. A line that fails changes
 * nothing and yields ipvsadm's message, prefixed by where it came from.
 */
#ifndef LVS_IPVSADM_H
#define LVS_IPVSADM_H

#include <stdio.h>

#include "lvs/ipvs.h"

/* The commands, in ipvsadm's order (cmdnames[]). */
enum ipvsadm_cmd_kind {
    IPVSADM_CMD_NONE,
    IPVSADM_CMD_ADD, IPVSADM_CMD_EDIT, IPVSADM_CMD_DEL, IPVSADM_CMD_FLUSH, IPVSADM_CMD_LIST,
    IPVSADM_CMD_ADDDEST, IPVSADM_CMD_DELDEST, IPVSADM_CMD_EDITDEST, IPVSADM_CMD_TIMEOUT,
    IPVSADM_CMD_ZERO,
};

/* Option bits (1 << IPVSADM_OPT_x), numbered as ipvsadm's OPTC_ constants. */
enum ipvsadm_opt {
    IPVSADM_OPT_NUMERIC = 0, IPVSADM_OPT_CONNECTION = 1, IPVSADM_OPT_SERVICE = 2,
    IPVSADM_OPT_SCHEDULER = 3, IPVSADM_OPT_PERSISTENT = 4, IPVSADM_OPT_NETMASK = 5,
    IPVSADM_OPT_SERVER = 6, IPVSADM_OPT_FORWARD = 7, IPVSADM_OPT_WEIGHT = 8,
    IPVSADM_OPT_UTHRESHOLD = 9, IPVSADM_OPT_LTHRESHOLD = 10, IPVSADM_OPT_TIMEOUT = 12,
    IPVSADM_OPT_STATS = 14, IPVSADM_OPT_RATE = 15, IPVSADM_OPT_THRESHOLDS = 16,
    IPVSADM_OPT_PERSISTENTCONN = 17, IPVSADM_OPT_NOSORT = 18, IPVSADM_OPT_EXACT = 20,
    IPVSADM_OPT_SCHED_FLAGS = 23,
    IPVSADM_OPT_SYNPROXY = 24,      /* the Alibaba patch's -j (its OPT_SYNPROXY) */
    IPVSADM_NUM_OPTS = 25,
};

/* Listing formats, as ipvsadm's FMT_ flags. */
#define IPVSADM_FMT_NUMERIC        0x0001u
#define IPVSADM_FMT_STATS          0x0004u
#define IPVSADM_FMT_RATE           0x0008u
#define IPVSADM_FMT_THRESHOLDS     0x0010u
#define IPVSADM_FMT_PERSISTENTCONN 0x0020u
#define IPVSADM_FMT_NOSORT         0x0040u
#define IPVSADM_FMT_EXACT          0x0080u

struct ipvsadm_cmd {
    enum ipvsadm_cmd_kind cmd;
    uint32_t options;               /* 1 << IPVSADM_OPT_x for each option given */
    unsigned format;                /* IPVSADM_FMT_x */
    struct ipvs_service_conf svc;   /* -t/-u/-f, -s, -p, -M, -b, -j */
    struct ipvs_dest_conf dest;     /* -r, -m/-g/-i/--fullnat, -w, -x, -y */
    struct ipvs_timeouts timeouts;  /* --set */
};

/* Parse one line and apply ipvsadm's checks (option table, zero port,
 * default scheduler, DR/TUN port). 0, or -1 with ipvsadm's message in err.
 * An empty line (or "ipvsadm" alone) is the listing ipvsadm prints then. */
int ipvsadm_parse(const char *line, struct ipvsadm_cmd *cmd, char *err, size_t errlen);

/* One row of `ipvsadm -L -n -c`, from the connection table. Addresses and
 * ports in host order; state is the kernel's name ("ESTABLISHED", "NONE"...). */
struct ipvsadm_conn_row {
    uint8_t protocol;
    const char *state;
    uint32_t expire_s;              /* seconds until the entry expires */
    uint32_t caddr, vaddr, daddr;
    uint16_t cport, vport, dport;
};

/* The connection table's walk: calls emit(sink, row) once per connection,
 * in the order /proc/net/ip_vs_conn would list them. */
typedef void (*ipvsadm_conn_emit)(void *sink, const struct ipvsadm_conn_row *row);
typedef void (*ipvsadm_conn_walk)(void *arg, ipvsadm_conn_emit emit, void *sink);

/* Where -L output goes and where -L -c finds connections (walk may be NULL:
 * no connections). */
struct ipvsadm_io {
    FILE *out;
    ipvsadm_conn_walk conns;
    void *conns_arg;
};

/* Execute a parsed command: 0, or -1 with the message (libipvs's text for
 * the kernel's errno) in err; on error the tables are unchanged. */
int ipvsadm_exec(struct ipvs *ipvs, const struct ipvsadm_cmd *cmd, const struct ipvsadm_io *io,
                 char *err, size_t errlen);

/* Parse and execute; where ("file:line", or NULL) prefixes the message. */
int ipvsadm_run(struct ipvs *ipvs, const char *line, const char *where, const struct ipvsadm_io *io,
                char *err, size_t errlen);

/* Port names as ipvsadm's getservbyname/getservbyport for a protocol
 * (IPPROTO_TCP or IPPROTO_UDP; 0, a fwmark service's, as TCP): a fixed
 * copy of Debian's /etc/services (lvs/ipvsadm_services.c). -1 or NULL
 * when the name or port has no entry for that protocol. */
int ipvsadm_service_port(const char *name, uint8_t protocol);
const char *ipvsadm_port_service(uint16_t port, uint8_t protocol);

/* The listings (lvs/ipvsadm_list.c). */
void ipvsadm_list_all(struct ipvs *ipvs, unsigned format, FILE *out);
void ipvsadm_list_service(const struct ipvs_service *svc, unsigned format, FILE *out);
void ipvsadm_list_timeout(const struct ipvs *ipvs, FILE *out);
void ipvsadm_list_conns(ipvsadm_conn_walk walk, void *arg, unsigned format, FILE *out);

#endif
