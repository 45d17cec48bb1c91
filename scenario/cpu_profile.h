/*
 * A director CPU cost profile: what each operation on a host's packet path
 * costs, in nanoseconds, as `lvslab calibrate` measured it from the real
 * code (docs/fidelity.md). A profile file holds `key = ns` lines, one per
 * cost (frame_in, frame_out, frame_byte and each kind of net/work.h),
 * '#' comments and blank lines; every key is required, once.
 */
#ifndef SCENARIO_CPU_PROFILE_H
#define SCENARIO_CPU_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "net/work.h"

/* The costs beyond the kinds of work: per frame the CPU takes in, per
 * frame it sends on, per byte of each frame it takes in. */
enum scn_cost {
    SCN_COST_FRAME_IN = WORK_KINDS,
    SCN_COST_FRAME_OUT,
    SCN_COST_FRAME_BYTE,
    SCN_COSTS
};

#define SCN_PROFILE_NAME_MAX 256

struct scn_cpu_profile {
    bool set;                          /* false: the flat per_packet/per_byte model */
    char source[SCN_PROFILE_NAME_MAX]; /* the file it came from */
    double ns[SCN_COSTS];              /* indexed by enum host_work, then enum scn_cost */
};

/* The key of a cost ("conn_hit", "frame_in"). */
const char *scn_cost_name(int cost);
/* Read a profile file; -1 with err ("file:line: ...", naming the valid keys). */
int scn_cpu_profile_load(const char *path, struct scn_cpu_profile *out, char *err, size_t errlen);
/* Write one (calibrate): a header comment, then every key. -1 with errno. */
int scn_cpu_profile_write(const char *path, const struct scn_cpu_profile *p, const char *header);
/* The shipped profile called name ("default"): profiles/director-NAME.conf
 * beside the script's folder's parent, else under the working directory,
 * as topologies/ modules are found; -1 with err naming the places tried. */
int scn_cpu_profile_find(const char *name, const char *script_dir, char *path, size_t pathlen, char *err,
                         size_t errlen);

#endif
