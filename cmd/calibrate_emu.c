/* The emulated director's I/O per packet, from a sim+emu results.json. */
#include "cmd/calibrate_emu.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MODES 4

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The director's CPU time per packet through it, ns; NAN when not measured. */
static double ns_per_packet(json_t *run)
{
    json_t *d = json_object_get(run, "director");
    json_t *cpu = json_object_get(d, "cpu_util"), *pps = json_object_get(d, "pkts_per_s");
    if (!json_is_number(cpu) || !json_is_number(pps) || json_number_value(pps) <= 0)
        return NAN;
    return json_number_value(cpu) * 1e9 / json_number_value(pps);
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
    double sim[MODES], emu[MODES], extra[MODES];
    int n = 0;
    for (int m = 0; m < MODES; m++) {
        sim[m] = emu[m] = NAN;
        size_t i;
        json_t *run;
        json_array_foreach(json_object_get(root, "runs"), i, run) {
            const char *mode = json_string_value(json_object_get(run, "mode"));
            const char *world = json_string_value(json_object_get(run, "world"));
            if (!mode || !world || strcmp(mode, modes[m]))
                continue;
            if (!strcmp(world, "sim") && json_is_object(json_object_get(json_object_get(run, "director"), "cpu_work")))
                sim[m] = ns_per_packet(run);
            else if (!strcmp(world, "emu"))
                emu[m] = ns_per_packet(run);
        }
        if (isnan(sim[m]) || isnan(emu[m]))
            continue;
        fprintf(log, "calibrate: %s: the emulated director %.0f ns a packet, the profile %.0f ns\n", modes[m], emu[m],
                sim[m]);
        extra[n++] = emu[m] - sim[m];
    }
    json_decref(root);
    if (!n) {
        fprintf(log, "lvslab calibrate: %s: no mode has both a simulated run with a cost profile "
                     "(director.cpu_work) and an emulated run with the director's CPU and packets\n", results);
        return -1;
    }
    qsort(extra, (size_t)n, sizeof *extra, by_value);
    double io = n % 2 ? extra[n / 2] : (extra[n / 2 - 1] + extra[n / 2]) / 2;
    if (io < 0)
        io = 0;
    p->ns[SCN_COST_FRAME_IN] += io / 2;
    p->ns[SCN_COST_FRAME_OUT] += io / 2;
    snprintf(note, notelen, "# the emulated director's I/O: %.0f ns a packet (median over %d modes of %s), "
                            "half on frame_in, half on frame_out\n", io, n, results);
    return 0;
}
