/* Small helpers on a scenario's data: mode names, errors that name a
 * declaration, node and director look-up, freeing. */
#include "scenario/scenario.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const mode_names[SCN_MODES] = { "nat", "tun", "dr", "fullnat" };

const char *scn_mode_name(enum scn_mode m) { return m < SCN_MODES ? mode_names[m] : "?"; }

int scn_mode_parse(const char *name)
{
    for (int m = 0; m < SCN_MODES; m++)
        if (!strcmp(name, mode_names[m]))
            return m;
    return -1;
}

int scn_topo_node(const struct scn_topo *topo, const char *name)
{
    for (int i = 0; i < topo->nnodes; i++)
        if (!strcmp(topo->nodes[i].name, name))
            return i;
    return -1;
}

int scn_fail(char *err, size_t errlen, const struct scn_where *where, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "%s: ", where->text);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

const struct scn_director *scn_topo_director(const struct scn_topo *topo, int node)
{
    for (int i = 0; i < topo->ndirectors; i++)
        if (topo->directors[i].node == node)
            return &topo->directors[i];
    return NULL;
}

void scn_topo_free(struct scn_topo *topo)
{
    for (int i = 0; i < topo->nnodes; i++)
        free(topo->nodes[i].ifs);
    free(topo->nodes);
    free(topo->links);
    for (int i = 0; i < topo->ndirectors; i++)
        free(topo->directors[i].ipvsadm);
    free(topo->directors);
    free(topo->realservers);
    free(topo->apps);
    for (int i = 0; i < topo->nworkloads; i++)
        free(topo->workloads[i].from);
    free(topo->workloads);
    free(topo->events);
    memset(topo, 0, sizeof *topo);
}
