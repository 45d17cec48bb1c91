/* A scenario's sweep as the run commands take it (see sweep.h). */
#include "cmd/sweep.h"

#include <string.h>

#include "scenario/results.h"

int cmd_sweep_load(struct cmd_sweep *s, const struct cmd_args *a, const char *cmd, FILE *err)
{
    char msg[512];
    if (scenario_load(&s->sc, a->script, a->sets, a->nsets, msg, sizeof msg) < 0) {
        fprintf(err, "%s: %s\n", cmd, msg);
        return -1;
    }
    struct scn_run all[SCN_MAX_RUNS];
    s->total = s->n = scenario_runs(&s->sc, all, SCN_MAX_RUNS);
    memcpy(s->runs, all, sizeof all);
    if (scn_select_modes(&s->sc, a->modes, s->runs, &s->n, cmd, err) < 0) {
        scenario_free(&s->sc);
        return -1;
    }
    for (int i = 0, j = 0; i < s->total && j < s->n; i++)     /* --mode keeps the order */
        if (scn_run_same(&s->sc, &all[i], &s->runs[j]))
            s->index[j++] = i;
    snprintf(s->dir, sizeof s->dir, "%s%s", a->out ? a->out : "out/", a->out ? "" : s->sc.name);
    return 0;
}

void cmd_sweep_free(struct cmd_sweep *s) { scenario_free(&s->sc); }
