/* How `lvslab emu director` reloads a run from wherever it starts (cmd/emu.h). */
#include <stdlib.h>

#include "cmd/emu.h"

void cmd_emu_director_args(const struct cmd_args *a, bool shaped, enum scn_mode mode,
                           struct cmd_emu_director_argv *d)
{
    int n = 0;
    d->argv[n++] = realpath(a->script, d->script) ? d->script : (char *)a->script;
    d->argv[n++] = "--mode";
    d->argv[n++] = (char *)scn_mode_name(mode);
    for (int i = 0; i < a->nsets; i++) {
        d->argv[n++] = "--set";
        d->argv[n++] = (char *)a->sets[i];
    }
    if (a->pcap_dir) {
        d->argv[n++] = "--pcap";
        d->argv[n++] = realpath(a->pcap_dir, d->pcap) ? d->pcap : (char *)a->pcap_dir;
    }
    if (shaped)
        d->argv[n++] = "--shaped";
    d->argv[n] = NULL;
}
