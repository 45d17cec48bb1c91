/* The emulated director's I/O per packet, from a sim+emu results.json. */
#include "cmd/calibrate_emu.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MODES 4

/* The director's CPU core time per second (ns), its packets and bytes per
 * second; false when not measured. */
static bool director_rates(json_t *run, double *cpu_ns, double *pps, double *bps)
{
    json_t *d = json_object_get(run, "director");
    json_t *cpu = json_object_get(d, "cpu_util"), *pkts = json_object_get(d, "pkts_per_s"),
           *mbps = json_object_get(d, "mbps");
    if (!json_is_number(cpu) || !json_is_number(pkts) || !json_is_number(mbps) || json_number_value(pkts) <= 0)
        return false;
    *cpu_ns = json_number_value(cpu) * 1e9;
    *pps = json_number_value(pkts);
    *bps = json_number_value(mbps) * 1e6 / 8;
    return true;
}

struct sample {
    double pps, bps, extra;    /* the emulated run's packets and bytes a second, its CPU ns a second beyond the profile's */
};

/* Least squares of extra = a x pps + b x bps over the modes; b is held at 0
 * when the fit would make either negative. */
static void fit(const struct sample *s, int n, double *a, double *b)
{
    double pp = 0, pb = 0, bb = 0, py = 0, by = 0;
    for (int i = 0; i < n; i++) {
        pp += s[i].pps * s[i].pps, pb += s[i].pps * s[i].bps, bb += s[i].bps * s[i].bps;
        py += s[i].pps * s[i].extra, by += s[i].bps * s[i].extra;
    }
    double det = pp * bb - pb * pb;
    *a = det > 0 ? (py * bb - by * pb) / det : -1;
    *b = det > 0 ? (pp * by - pb * py) / det : -1;
    if (*a < 0 || *b < 0) {
        *a = py / pp;
        *b = 0;
    }
    if (*a < 0)
        *a = 0;
}

int cal_from_emu(const char *results, struct scn_cpu_profile *p, char *note, size_t notelen, FILE *log)
{
    static const char *const modes[MODES] = { "nat", "tun", "dr", "fullnat" };
    json_error_t jerr;
    json_t *root = json_load_file(results, 0, &jerr);
    if (!root) {
        fprintf(log, "lvslab calibrate: %s:%d: %s\n", results, jerr.line, jerr.text);
        return -1;
    }
    struct sample s[MODES];
    int n = 0;
    for (int m = 0; m < MODES; m++) {
        double sim_cpu = 0, sim_pps = 0, sim_bps, emu_cpu = 0, emu_pps = 0, emu_bps = 0;
        bool have_sim = false, have_emu = false;
        size_t i;
        json_t *run;
        json_array_foreach(json_object_get(root, "runs"), i, run) {
            const char *mode = json_string_value(json_object_get(run, "mode"));
            const char *world = json_string_value(json_object_get(run, "world"));
            if (!mode || !world || strcmp(mode, modes[m]))
                continue;
            if (!strcmp(world, "sim") && json_is_object(json_object_get(json_object_get(run, "director"), "cpu_work")))
                have_sim = director_rates(run, &sim_cpu, &sim_pps, &sim_bps);
            else if (!strcmp(world, "emu"))
                have_emu = director_rates(run, &emu_cpu, &emu_pps, &emu_bps);
        }
        if (!have_sim || !have_emu)
            continue;
        double profile_ns = sim_cpu / sim_pps;
        fprintf(log, "calibrate: %s: the emulated director %.0f ns a packet (%.0f bytes), the profile %.0f ns\n",
                modes[m], emu_cpu / emu_pps, emu_bps / emu_pps, profile_ns);
        s[n++] = (struct sample){ emu_pps, emu_bps, emu_cpu - profile_ns * emu_pps };
    }
    json_decref(root);
    if (n < 2) {
        fprintf(log, "lvslab calibrate: %s: %d mode(s) with both a simulated run with a cost profile "
                     "(director.cpu_work) and an emulated run with the director's CPU and packets: 2 at least\n",
                results, n);
        return -1;
    }
    double per_pkt, per_byte;
    fit(s, n, &per_pkt, &per_byte);
    p->ns[SCN_COST_FRAME_IN] += per_pkt / 2;
    p->ns[SCN_COST_FRAME_OUT] += per_pkt / 2;
    p->ns[SCN_COST_FRAME_BYTE] += per_byte;
    snprintf(note, notelen, "# the emulated director's I/O: %.0f ns a packet, half on frame_in and half on "
                            "frame_out, and %.3f ns a byte (least squares over %d modes of %s)\n",
             per_pkt, per_byte, n, results);
    return 0;
}
