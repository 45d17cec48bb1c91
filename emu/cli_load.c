/* One run of a scenario for `lvslab emu up`, `plan` and `director`: the
 * arguments that pick it, loading it, and how a director reloads it. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "emu/cli_emu.h"

int emu_cli_load_run(const char *script, const char *mode, const char *const *sets, int nsets,
                     struct scenario *sc, struct scn_run *run, struct scn_topo *topo, char *err, size_t errlen)
{
    if (scenario_load(sc, script, sets, nsets, err, errlen) < 0)
        return -1;
    struct scn_run runs[SCN_MODES * SCN_MAX_SWEEP];
    int nruns = scenario_runs(sc, runs, SCN_MODES * SCN_MAX_SWEEP), pick = 0;
    if (mode) {
        int m = scn_mode_parse(mode);
        for (pick = 0; pick < nruns && (int)runs[pick].mode != m; pick++)
            ;
        if (pick == nruns) {
            snprintf(err, errlen, "%s does not compare mode \"%s\"", script, mode);
            scenario_free(sc);
            return -1;
        }
    }
    *run = runs[pick];
    if (scenario_build(sc, run, topo, err, errlen) < 0) {
        scenario_free(sc);
        return -1;
    }
    return 0;
}

int emu_cli_parse_run_args(int argc, char **argv, struct emu_run_args *a)
{
    memset(a, 0, sizeof *a);
    a->tag = "lv";
    for (int i = 1; i < argc; i++) {
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--help"))
            return 1;
        if (!strcmp(argv[i], "--mode") && next)
            a->mode = argv[++i];
        else if (!strcmp(argv[i], "--tag") && next)
            a->tag = argv[++i];
        else if (!strcmp(argv[i], "--pcap") && next)
            a->pcap = argv[++i];
        else if (!strcmp(argv[i], "--shape"))
            a->shape = true;
        else if (!strcmp(argv[i], "--set") && next && a->nsets < EMU_MAX_SETS)
            a->sets[a->nsets++] = argv[++i];
        else if (argv[i][0] != '-' && !a->script)
            a->script = argv[i];
        else
            return -1;
    }
    return a->script ? 0 : -1;
}

void emu_cli_director_args(const struct emu_run_args *a, enum scn_mode mode, struct emu_director_argv *d)
{
    int n = 0;
    d->argv[n++] = realpath(a->script, d->script) ? d->script : (char *)a->script;
    d->argv[n++] = "--mode";
    d->argv[n++] = (char *)scn_mode_name(mode);
    for (int i = 0; i < a->nsets; i++) {
        d->argv[n++] = "--set";
        d->argv[n++] = (char *)a->sets[i];
    }
    if (a->pcap) {
        d->argv[n++] = "--pcap";
        d->argv[n++] = realpath(a->pcap, d->pcap) ? d->pcap : (char *)a->pcap;
    }
    if (a->shape)
        d->argv[n++] = "--shaped";
    d->argv[n] = NULL;
}
