/*
 * An emulated world built from one run of a scenario: a network namespace
 * per host and router, a Linux bridge per switch, veth pairs for links, and
 * the real servers set up the Linux way for their mode. Every name carries a
 * short tag, and everything made is written to a state file as it is made,
 * so emu_world_down() removes exactly that, even after a partial start.
 */
#ifndef EMU_WORLD_H
#define EMU_WORLD_H

#include <stddef.h>

#include "sim/scenario.h"

#define EMU_TAG_MAX 8
#define EMU_STATE_DIR "/run/lvslab"

struct emu_world {
    char tag[EMU_TAG_MAX];
    const struct scn_topo *topo;
    char (*ns)[48];            /* per node: its namespace, or "" */
    char (*bridge)[16];        /* per node: a switch's bridge, or "" */
    char state_path[128];
    char workdir[128];         /* logs and served files */
    const char *lvslab;        /* this program, for the helpers it starts */
};

/* Build the world for topo under tag (letters and digits, at most 4).
 * 0, or -1 with err; on failure what was made is removed again. */
int emu_world_up(struct emu_world *w, const struct scn_topo *topo, const char *tag,
                 const char *lvslab_path, char *err, size_t errlen);
/* Remove everything the state file of tag lists. */
int emu_world_down(const char *tag, char *err, size_t errlen);
void emu_world_free(struct emu_world *w);

/* The namespace of a node by name, or NULL. */
const char *emu_world_ns(const struct emu_world *w, const char *node);

#endif
