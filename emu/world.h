/*
 * An emulated world built from one run of a scenario: a network namespace
 * per host and router, a Linux bridge per switch, veth pairs for links, and
 * the real servers set up the Linux way for their mode. Every name carries a
 * short tag, and everything made is written to a state file as it is made,
 * so emu_world_down() removes exactly that, even after a partial start.
 */
#ifndef EMU_WORLD_H
#define EMU_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "scenario/scenario.h"

#define EMU_TAG_MAX 8
#define EMU_STATE_DIR "/run/lvslab"
#define EMU_TUN_DEV "tunl-lvs"     /* a TUN-mode real server's decapsulating device */

struct emu_world {
    char tag[EMU_TAG_MAX];
    const struct scn_topo *topo;
    char (*ns)[48];            /* per node: its namespace, or "" */
    char (*bridge)[16];        /* per node: a switch's bridge, or "" */
    char state_path[128];
    char workdir[128];         /* logs and served files */
    const char *lvslab;        /* this program, for the helpers it starts */
    char *const *director_args;   /* how a director reloads the run, or NULL */
    pid_t director_pid[SCN_MAX_DIRECTORS];   /* in topo->directors' order, once started */
    bool shape;                /* links at their rates (emu/shape.h) */
    uint64_t seed;             /* the run's: the delay lines' jitter and loss */
};

/* Build the world for topo under tag (letters and digits, at most 4).
 * director_args (NULL-terminated: the scenario and its --mode/--set/--pcap
 * options) starts each director as `lvslab emu director ARGS --tag T --node
 * N` in the root namespace once the rest is up, and waits until its TAPs
 * are on their bridges; NULL leaves the directors out. shape puts every
 * link with a rate at that rate (tc htb on its ends and the director's TAPs)
 * and every link with a delay, jitter or loss on a delay line, which draws
 * from the run's seed as the simulator's link does.
 * 0, or -1 with err; on failure what was made is removed again. */
int emu_world_up(struct emu_world *w, const struct scn_topo *topo, const char *tag,
                 const char *lvslab_path, char *const *director_args, bool shape, uint64_t seed, char *err,
                 size_t errlen);
/* Remove everything the state file of tag lists. */
int emu_world_down(const char *tag, char *err, size_t errlen);
void emu_world_free(struct emu_world *w);

/* A director's link l as the world wires it: the director's TAP (a
 * root-namespace device) and the bridge it joins: the switch's bridge, or
 * for a point-to-point link (or a delayed one in a shaped world) a bridge
 * of two ports, the TAP and a veth (or a delay line's TAP) whose other end
 * is the peer's interface in its namespace or a port of the switch's
 * bridge. */
/* shaped: the world gives links their delays (emu up --shape), so a
 * delayed link to a switch is a bridge of two ports and a delay line. */
void emu_world_director_port(const char *tag, const struct scn_topo *topo, int l, bool shaped, char tap[16],
                             char bridge[16]);
/* The bridge of switch node n in the world tag. */
void emu_world_switch_bridge(const char *tag, int node, char bridge[16]);
/* 0 when tag can name a world (1-4 lower-case letters or digits), or -1
 * with err saying why not. */
int emu_world_tag_check(const char *tag, char *err, size_t errlen);
/* Where the director on node writes its ready mark, listing and log. */
void emu_world_director_file(const char *tag, const char *node, const char *what, char *path, size_t len);

/* The namespace of a node by name, or NULL. */
const char *emu_world_ns(const struct emu_world *w, const char *node);

#endif
