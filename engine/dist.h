/*
 * Distributions of times and sizes, drawn from an RNG stream: fixed,
 * uniform, exponential, normal, lognormal, bounded Pareto and an empirical
 * CDF. Written as text in scenarios: "200", "exp(50KB)", "uniform(1ms, 2ms)",
 * "normal(10ms, 2ms)", "lognormal(20KB, 10KB)" (its own mean and standard
 * deviation), "pareto(1.2, 1KB, 10MB)" (shape, lower and upper bound),
 * "empirical(1KB:0.5, 10KB:0.9, 1MB:1)" (values with cumulative
 * probabilities, linear in between).
 */
#ifndef ENGINE_DIST_H
#define ENGINE_DIST_H

#include <stddef.h>

#include "engine/rng.h"

#define DIST_MAX_POINTS 32

enum dist_kind { DIST_FIXED, DIST_UNIFORM, DIST_EXP, DIST_NORMAL, DIST_LOGNORMAL, DIST_PARETO,
                 DIST_EMPIRICAL };

/* What the numbers measure: times in ns, sizes in bytes. */
enum dist_unit { DIST_TIME, DIST_SIZE };

struct dist {
    enum dist_kind kind;
    double a, b, c;            /* fixed: a; uniform: [a, b); exp: mean a; normal: mean a,
                                  sd b; lognormal: mu a, sigma b (of the log); pareto:
                                  shape a, bounds b..c */
    double x[DIST_MAX_POINTS], p[DIST_MAX_POINTS];   /* empirical */
    int n;
};

/* Parse text; 0, or -1 with a message quoting it. */
int dist_parse(const char *text, enum dist_unit unit, struct dist *d, char *err, size_t errlen);

/* Build directly. lognormal takes the distribution's own mean and sd. */
void dist_fixed(struct dist *d, double v);
void dist_uniform(struct dist *d, double lo, double hi);
void dist_exp(struct dist *d, double mean);
void dist_normal(struct dist *d, double mean, double sd);
void dist_lognormal(struct dist *d, double mean, double sd);
void dist_pareto(struct dist *d, double shape, double lo, double hi);
/* x ascending, p ascending ending at 1; -1 with err otherwise. */
int dist_empirical(struct dist *d, const double *x, const double *p, int n, char *err, size_t errlen);

/* One draw (never negative for times and sizes: normal draws are cut at 0). */
double dist_sample(const struct dist *d, struct rng *r);
/* The analytic mean (the normal's before cutting at 0). */
double dist_mean(const struct dist *d);

#endif
