/*
 * A scenario's sweep as the Lua side declares it: scenario{sweep = {...}}
 * read into the scenario's dimensions, --set giving a swept parameter one
 * value or a list, and a swept value pushed as build(run) sees it.
 */
#ifndef SCENARIO_SWEEP_H
#define SCENARIO_SWEEP_H

#include <lua.h>

#include "scenario/scenario.h"

/* Read the sweep table at idx into sc->sweep (sorted by name), sc->nmodes
 * already known: 0, or -1 with "scenario: ..." in err. */
int scn_sweep_declare(lua_State *L, int idx, struct scenario *sc, char *err, size_t errlen);

/* --set PARAM=V[,V...] on swept dimension d: its values become the list. */
int scn_sweep_set(struct scenario *sc, int d, const char *list, char *err, size_t errlen);

/* A number that is whole as a Lua integer, another as a float, a name as a string. */
void scn_value_push(lua_State *L, const struct scn_value *v);

#endif
