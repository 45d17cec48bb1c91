/* Simulated time: signed 64-bit nanoseconds, and the constants to write it. */
#ifndef ENGINE_SIMTIME_H
#define ENGINE_SIMTIME_H

#include <stdint.h>

typedef int64_t sim_time_t;

#define SIM_NS ((sim_time_t)1)
#define SIM_US ((sim_time_t)1000)
#define SIM_MS ((sim_time_t)1000000)
#define SIM_S  ((sim_time_t)1000000000)

/* A deadline that never comes, and the mark of a timer that is not armed. */
#define SIM_NEVER INT64_MAX
#define SIM_UNARMED ((sim_time_t)-1)

static inline double sim_time_to_s(sim_time_t t) { return (double)t / (double)SIM_S; }

#endif
