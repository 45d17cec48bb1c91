/* The director's and the real servers' own counts of an emulated run. */
#include "emu/run_observe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* utime plus stime of pid, in seconds; -1 when unreadable. */
static double cpu_seconds(pid_t pid)
{
    char path[32], text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *p = strrchr(text, ')');
    unsigned long long utime, stime;
    /* after ") ": state, then fields 4..13, then utime (14) and stime (15) */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* The dotted address text starts with (up to a ':' or a space). */
static bool parse_addr(const char *text, uint32_t *addr)
{
    char buf[INET_ADDRSTRLEN];
    size_t n = strcspn(text, ": ");
    struct in_addr in;
    if (n >= sizeof buf)
        return false;
    memcpy(buf, text, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, &in) != 1)
        return false;
    *addr = ntohl(in.s_addr);
    return true;
}

static void add_dest(struct emu_director_sample *s, uint32_t addr, uint64_t conns, uint64_t pkts, uint64_t bytes)
{
    int i = 0;
    while (i < s->ndests && s->dests[i].addr != addr)
        i++;
    if (i == s->ndests) {
        if (s->ndests == EMU_OBSERVE_MAX_DESTS)
            return;
        s->dests[s->ndests++] = (struct emu_dest_counts){ .addr = addr };
    }
    s->dests[i].conns += conns, s->dests[i].pkts += pkts, s->dests[i].bytes += bytes;
}

/* The --stats part of the listing: a header naming Conns, then services
 * ("TCP  VIP:PORT conns inpkts outpkts inbytes outbytes") and their real
 * servers ("  -> RIP:PORT ..." with the same columns). */
static int parse_stats(FILE *f, struct emu_director_sample *s)
{
    char line[256];
    bool in_stats = false;
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "LocalAddress:Port") && strstr(line, "InPkts")) {
            in_stats = true;
            continue;
        }
        if (!in_stats)
            continue;
        if (!strncmp(line, "Drops:", 6))       /* the director's counters follow */
            break;
        char what[64], where[64];
        unsigned long long conns, inpkts, outpkts, inbytes, outbytes;
        uint32_t addr;
        if (sscanf(line, " -> %63s %llu %llu %llu %llu %llu", where, &conns, &inpkts, &outpkts, &inbytes,
                   &outbytes) == 6 && parse_addr(where, &addr)) {
            add_dest(s, addr, conns, inpkts + outpkts, inbytes + outbytes);
            lines++;
        } else if (sscanf(line, "%63s %63s %llu %llu %llu %llu %llu", what, where, &conns, &inpkts, &outpkts,
                          &inbytes, &outbytes) == 7) {
            s->pkts += inpkts + outpkts, s->bytes += inbytes + outbytes;
            lines++;
        }
    }
    return in_stats ? lines : -1;
}

int emu_observe_director(pid_t pid, const char *status_path, struct emu_director_sample *s, char *err,
                         size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->cpu_s = cpu_seconds(pid);
    if (s->cpu_s < 0 || (unlink(status_path) < 0 && errno != ENOENT) || kill(pid, SIGUSR1) < 0) {
        snprintf(err, errlen, "director (pid %d) is gone", (int)pid);
        return -1;
    }
    for (int i = 0; i < 100; i++) {      /* written whole, by rename */
        FILE *f = fopen(status_path, "r");
        if (f) {
            int rc = parse_stats(f, s);
            fclose(f);
            if (rc < 0)
                snprintf(err, errlen, "%s: no --stats listing in it", status_path);
            return rc < 0 ? -1 : 0;
        }
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    snprintf(err, errlen, "director (pid %d) wrote no listing to %s within 2 s", (int)pid, status_path);
    return -1;
}

/* http.server logs: ADDR - - [DATE] "GET PATH HTTP/1.1" CODE SIZE */
int emu_observe_server(const char *log_path, const struct emu_loads *loads, struct emu_server_log *s, char *err,
                       size_t errlen)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(log_path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", log_path, strerror(errno));
        return -1;
    }
    uint32_t seen[256];
    char line[512];
    while (fgets(line, sizeof line, f)) {
        const char *req = strstr(line, "\"GET ");
        const char *close = req ? strchr(req + 1, '"') : NULL;
        char path[256];
        int code;
        uint32_t addr;
        if (!close || sscanf(req + 5, "%255s", path) != 1 || sscanf(close + 1, "%d", &code) != 1 || code != 200 ||
            !parse_addr(line, &addr))
            continue;
        int64_t bytes = emu_loads_file_bytes(loads, path);
        if (bytes < 0)
            continue;
        s->requests++;
        s->bytes += (uint64_t)bytes;
        int k = 0;
        while (k < s->client_addrs && seen[k] != addr)
            k++;
        if (k == s->client_addrs && k < (int)(sizeof seen / sizeof *seen))
            seen[s->client_addrs++] = addr;
    }
    fclose(f);
    return 0;
}
