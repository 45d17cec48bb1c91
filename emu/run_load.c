/* Emulated http workloads: response files, wrk scripts, wrk runs, their reports. */
#include "emu/run_load.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "emu/exec.h"
#include "engine/dist.h"
#include "engine/xalloc.h"

#define THINK_SAMPLES 1024        /* think times a wrk script cycles through */

int emu_loads_check(const struct scn_topo *t, char *err, size_t errlen)
{
    for (int i = 0; i < t->nworkloads; i++) {
        const struct scn_workload *wl = &t->workloads[i];
        if (wl->kind != SCN_LOAD_HTTP_CLOSED)
            return scn_fail(err, errlen, &wl->where,
                            "workload \"%s\": emulated runs drive closed-loop http loads with wrk; "
                            "this kind has no emulated client yet", wl->name);
        if (wl->keepalive)
            return scn_fail(err, errlen, &wl->where,
                            "workload \"%s\": keepalive: python3 http.server closes each connection "
                            "(HTTP/1.0), so emulated runs cannot keep them", wl->name);
    }
    return 0;
}

/* The workload's response files: sizes drawn from its response
 * distribution, less the header http.server adds. */
static int write_files(struct emu_loads *l, int wi, const struct scn_workload *wl, const char *dir, uint64_t seed,
                       char *err, size_t errlen)
{
    struct dist d;
    char msg[160];
    if (dist_parse(wl->response, DIST_SIZE, &d, msg, sizeof msg) < 0)
        return scn_fail(err, errlen, &wl->where, "workload \"%s\": response: %s", wl->name, msg);
    struct rng r;
    rng_init(&r, seed, wl->name);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    static char zeros[65536];
    for (int f = 0; f < EMU_LOAD_FILES; f++) {
        double size = dist_sample(&d, &r) - EMU_LOAD_HTTP_HEADER;
        uint64_t bytes = size > 0 ? (uint64_t)llround(size) : 0;
        l->file_bytes[wi * EMU_LOAD_FILES + f] = bytes;
        char path[300];
        snprintf(path, sizeof path, "%s/%d", dir, f);
        FILE *out = fopen(path, "w");
        for (uint64_t left = bytes; out && left;) {
            size_t n = left < sizeof zeros ? (size_t)left : sizeof zeros;
            if (fwrite(zeros, 1, n, out) != n)
                break;
            left -= n;
        }
        if (!out || fclose(out) != 0) {
            snprintf(err, errlen, "%s: cannot write", path);
            return -1;
        }
    }
    return 0;
}

/* The Lua script one wrk runs: paths in turn, the think times as delay(),
 * and done() writing counts and the latency histogram as JSON (wrk 4's
 * latency(i) is the i-th distinct value in microseconds and its count; #latency
 * their number). */
static int write_script(const char *path, const char *result, const struct scn_workload *wl, uint64_t seed,
                        int client, char *err, size_t errlen)
{
    struct dist think;
    char msg[160];
    if (dist_parse(wl->think, DIST_TIME, &think, msg, sizeof msg) < 0)
        return scn_fail(err, errlen, &wl->where, "workload \"%s\": think: %s", wl->name, msg);
    bool thinks = !(think.kind == DIST_FIXED && think.a == 0);
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "-- lvslab emu run: workload %s (generated)\nlocal paths = {", wl->name);
    for (int i = 0; i < EMU_LOAD_FILES; i++)
        fprintf(f, "%s\"/lvslab-load/%s/%d\"", i ? ", " : "", wl->name, i);
    fputs("}\n", f);
    if (thinks) {
        char stream[64];
        snprintf(stream, sizeof stream, "%s think %d", wl->name, client);
        struct rng r;
        rng_init(&r, seed, stream);
        fputs("local delays = {", f);
        for (int i = 0; i < THINK_SAMPLES; i++)   /* wrk sleeps whole milliseconds */
            fprintf(f, "%s%.0f", i ? ", " : "", dist_sample(&think, &r) / 1e6);
        fputs("}\nlocal d = 0\n"
              "function delay() d = d % #delays + 1; return delays[d] end\n", f);
    }
    fprintf(f,
            "local threads = {}\n"
            "function setup(thread) threads[#threads + 1] = thread end\n"
            "local n = 0\n"
            "ok, body = 0, 0\n"
            "function request() n = n %% #paths + 1; return wrk.format(\"GET\", paths[n]) end\n"
            "function response(status, headers, text)\n"
            "  if status == 200 then ok = ok + 1; body = body + #text end\n"
            "end\n"
            "function done(summary, latency, requests)\n"
            "  local total_ok, total_body = 0, 0\n"
            "  for _, t in ipairs(threads) do\n"
            "    total_ok = total_ok + t:get(\"ok\"); total_body = total_body + t:get(\"body\")\n"
            "  end\n"
            "  local e = summary.errors\n"
            "  local f = assert(io.open(\"%s\", \"w\"))\n"
            "  f:write(string.format('{\"completed\": %%d, \"body_bytes\": %%d, \"failed\": %%d, \"latency_us\": [',\n"
            "    total_ok, total_body, e.connect + e.read + e.write + e.status + e.timeout))\n"
            "  local sep = \"\"\n"
            "  for i = 1, #latency do\n"
            "    local us, count = latency(i)\n"
            "    f:write(string.format('%%s[%%d, %%d]', sep, us, count)); sep = \", \"\n"
            "  end\n"
            "  f:write(\"]}\\n\")\n"
            "  f:close()\n"
            "end\n", result);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    return 0;
}

static int start_client(struct emu_load_client *c, const struct emu_world *w, const struct scn_workload *wl,
                        int node, const char *script, double duration_s, char *err, size_t errlen)
{
    char users[16], secs[32], timeout[32], url[64], vip[INET_ADDRSTRLEN];
    snprintf(users, sizeof users, "%d", wl->users);
    snprintf(secs, sizeof secs, "%.0fs", ceil(duration_s));
    /* wrk takes whole seconds */
    snprintf(timeout, sizeof timeout, "%.0fs", fmax(1, ceil(sim_time_to_s(wl->timeout))));
    inet_ntop(AF_INET, &(struct in_addr){ .s_addr = htonl(wl->dst) }, vip, sizeof vip);
    snprintf(url, sizeof url, "http://%s:%u/", vip, wl->dport);
    char *argv[] = { "wrk", "-t1", "-c", users, "-d", secs, "--timeout", timeout, "-s", (char *)script, url, NULL };
    c->pid = emu_spawn(w->ns[node], argv, c->log, err, errlen);
    return c->pid < 0 ? -1 : 0;
}

int emu_loads_start(struct emu_loads *l, const struct emu_world *w, uint64_t seed, double duration_s,
                    char *err, size_t errlen)
{
    const struct scn_topo *t = w->topo;
    memset(l, 0, sizeof *l);
    l->topo = t;
    l->nworkloads = t->nworkloads;
    l->file_bytes = xcalloc((size_t)t->nworkloads * EMU_LOAD_FILES, sizeof *l->file_bytes);
    int total = 0;
    for (int i = 0; i < t->nworkloads; i++)
        total += t->workloads[i].nfrom;
    l->clients = xcalloc((size_t)total + 1, sizeof *l->clients);
    char dir[256];
    snprintf(dir, sizeof dir, "%s/lvslab-load", w->workdir);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < t->nworkloads; i++) {
        const struct scn_workload *wl = &t->workloads[i];
        snprintf(dir, sizeof dir, "%s/lvslab-load/%s", w->workdir, wl->name);
        if (write_files(l, i, wl, dir, seed, err, errlen) < 0)
            return -1;
        for (int k = 0; k < wl->nfrom; k++) {
            struct emu_load_client *c = &l->clients[l->nclients];
            const char *name = t->nodes[wl->from[k]].name;
            char script[320];
            snprintf(script, sizeof script, "%s/%s-%s.lua", w->workdir, wl->name, name);
            snprintf(c->result, sizeof c->result, "%s/%s-%s.json", w->workdir, wl->name, name);
            snprintf(c->log, sizeof c->log, "%s/%s-%s-wrk.log", w->workdir, wl->name, name);
            if (write_script(script, c->result, wl, seed, k, err, errlen) < 0 ||
                start_client(c, w, wl, wl->from[k], script, duration_s, err, errlen) < 0) {
                struct emu_load_totals ignored;
                char e[64];
                emu_loads_finish(l, 0, &ignored, e, sizeof e);
                return -1;
            }
            l->nclients++;
        }
    }
    return 0;
}

/* Add one wrk's report to the totals. */
static int add_report(const struct emu_load_client *c, struct emu_load_totals *t, char *err, size_t errlen)
{
    json_error_t je;
    json_t *r = json_load_file(c->result, 0, &je);
    json_t *hist = json_object_get(r, "latency_us");
    if (!r || !json_is_array(hist)) {
        snprintf(err, errlen, "%s: no report from wrk (see %s)%s%s", c->result, c->log, r ? "" : ": ",
                 r ? "" : je.text);
        json_decref(r);
        return -1;
    }
    t->completed += (uint64_t)json_integer_value(json_object_get(r, "completed"));
    t->body_bytes += (uint64_t)json_integer_value(json_object_get(r, "body_bytes"));
    t->failed += (uint64_t)json_integer_value(json_object_get(r, "failed"));
    size_t i;
    json_t *bin;
    json_array_foreach(hist, i, bin)
        hist_record_n(&t->latency, (uint64_t)json_integer_value(json_array_get(bin, 0)) * 1000,
                      (uint64_t)json_integer_value(json_array_get(bin, 1)));
    json_decref(r);
    return 0;
}

int emu_loads_finish(struct emu_loads *l, double duration_s, struct emu_load_totals *t, char *err,
                     size_t errlen)
{
    memset(t, 0, sizeof *t);
    hist_init(&t->latency);
    int rc = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    double grace = duration_s + 15;
    for (int i = 0; i < l->nclients; i++) {
        struct emu_load_client *c = &l->clients[i];
        int status = 0;
        for (;;) {
            pid_t p = waitpid(c->pid, &status, WNOHANG);
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            double waited = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
            if (p == c->pid || p < 0)
                break;
            if (waited > grace) {
                kill(c->pid, SIGKILL);
                waitpid(c->pid, &status, 0);
                if (!rc)
                    snprintf(err, errlen, "wrk (%s) still running %.0f s after its end: killed", c->log, grace);
                rc = -1;
                break;
            }
            struct timespec ts = { 0, 50 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
        if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            char said[160] = "";
            FILE *f = fopen(c->log, "r");
            if (f && fgets(said, sizeof said, f))
                said[strcspn(said, "\n")] = '\0';
            if (f)
                fclose(f);
            snprintf(err, errlen, "wrk from %s failed: %s", c->log, said[0] ? said : "(it said nothing)");
            rc = -1;
        }
        if (rc == 0)
            rc = add_report(c, t, err, errlen);
    }
    return rc;
}

int64_t emu_loads_file_bytes(const struct emu_loads *l, const char *path)
{
    const char *prefix = "/lvslab-load/";
    if (strncmp(path, prefix, strlen(prefix)))
        return -1;
    const char *name = path + strlen(prefix), *slash = strchr(name, '/');
    if (!slash)
        return -1;
    char *end;
    long f = strtol(slash + 1, &end, 10);
    if (*end || end == slash + 1 || f < 0 || f >= EMU_LOAD_FILES)
        return -1;
    for (int i = 0; i < l->nworkloads; i++)
        if (strlen(l->topo->workloads[i].name) == (size_t)(slash - name) &&
            !strncmp(l->topo->workloads[i].name, name, (size_t)(slash - name)))
            return (int64_t)l->file_bytes[i * EMU_LOAD_FILES + f];
    return -1;
}

void emu_loads_free(struct emu_loads *l)
{
    free(l->clients);
    free(l->file_bytes);
    memset(l, 0, sizeof *l);
}
