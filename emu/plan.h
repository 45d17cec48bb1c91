/*
 * The plan of one emulated run as JSON: the nodes with their addresses,
 * routes and sysctls, the links, the bridge of each switch and the TAP and
 * bridge of each director port, the real servers' set-up, the servers and
 * the clients, all named as `lvslab emu up` names them under a tag. Another
 * builder of the emulated world (emu/mininet/) reads it, so both build the
 * same world from the same scenario. docs/emulation.md describes the fields.
 */
#ifndef EMU_PLAN_H
#define EMU_PLAN_H

#include <jansson.h>

#include "scenario/scenario.h"

/* The plan of topo (run of sc) under tag, its links shaped or not (emu
 * up --shape); director_args (NULL-terminated) is how `lvslab emu
 * director` reloads the run. A new reference. */
json_t *emu_plan_json(const struct scenario *sc, const struct scn_run *run, const struct scn_topo *topo,
                      const char *tag, bool shape, char *const *director_args);

#endif
