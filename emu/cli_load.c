/* One run of a scenario for `lvslab emu up` and `lvslab emu director`. */
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
