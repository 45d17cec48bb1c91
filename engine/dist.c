/* Distributions: sampling by inverse CDF where it exists, the polar method
 * for the normal; parsing of their textual form with engine/units. */
#include "engine/dist.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/units.h"

void dist_fixed(struct dist *d, double v) { *d = (struct dist){ .kind = DIST_FIXED, .a = v }; }

void dist_uniform(struct dist *d, double lo, double hi)
{
    *d = (struct dist){ .kind = DIST_UNIFORM, .a = lo, .b = hi };
}

void dist_exp(struct dist *d, double mean) { *d = (struct dist){ .kind = DIST_EXP, .a = mean }; }

void dist_normal(struct dist *d, double mean, double sd)
{
    *d = (struct dist){ .kind = DIST_NORMAL, .a = mean, .b = sd };
}

void dist_lognormal(struct dist *d, double mean, double sd)
{
    double sigma2 = log(1.0 + (sd * sd) / (mean * mean));
    *d = (struct dist){ .kind = DIST_LOGNORMAL, .a = log(mean) - sigma2 / 2, .b = sqrt(sigma2) };
}

void dist_pareto(struct dist *d, double shape, double lo, double hi)
{
    *d = (struct dist){ .kind = DIST_PARETO, .a = shape, .b = lo, .c = hi };
}

int dist_empirical(struct dist *d, const double *x, const double *p, int n, char *err, size_t errlen)
{
    if (n < 1 || n > DIST_MAX_POINTS) {
        snprintf(err, errlen, "an empirical CDF has 1 to %d points", DIST_MAX_POINTS);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (!(p[i] >= 0 && p[i] <= 1) || (i && (x[i] < x[i - 1] || p[i] < p[i - 1]))) {
            snprintf(err, errlen, "point %d: values and probabilities must both rise, "
                                  "probabilities within 0..1", i + 1);
            return -1;
        }
    }
    if (p[n - 1] != 1.0) {
        snprintf(err, errlen, "the last probability must be 1, not %g", p[n - 1]);
        return -1;
    }
    *d = (struct dist){ .kind = DIST_EMPIRICAL, .n = n };
    memcpy(d->x, x, (size_t)n * sizeof *x);
    memcpy(d->p, p, (size_t)n * sizeof *p);
    return 0;
}

/* Uniform in (0, 1]: safe for log(). */
static double unit_open(struct rng *r) { return 1.0 - rng_unit(r); }

static double std_normal(struct rng *r)
{
    for (;;) {                 /* Marsaglia's polar method; one of the pair */
        double u = 2.0 * rng_unit(r) - 1.0, v = 2.0 * rng_unit(r) - 1.0;
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0)
            return u * sqrt(-2.0 * log(s) / s);
    }
}

double dist_sample(const struct dist *d, struct rng *r)
{
    switch (d->kind) {
    case DIST_FIXED:
        return d->a;
    case DIST_UNIFORM:
        return d->a + (d->b - d->a) * rng_unit(r);
    case DIST_EXP:
        return -d->a * log(unit_open(r));
    case DIST_NORMAL: {
        double v = d->a + d->b * std_normal(r);
        return v > 0 ? v : 0;
    }
    case DIST_LOGNORMAL:
        return exp(d->a + d->b * std_normal(r));
    case DIST_PARETO: {        /* inverse CDF of the Pareto bounded to [L, H] */
        double k = d->a, lo = d->b, hi = d->c, u = rng_unit(r);
        double ratio = pow(lo / hi, k);
        return lo / pow(1.0 - u * (1.0 - ratio), 1.0 / k);
    }
    case DIST_EMPIRICAL: {
        double u = rng_unit(r);
        int i = 0;
        while (i < d->n - 1 && d->p[i] < u)
            i++;
        if (i == 0 || d->p[i] == d->p[i - 1])
            return d->x[i];
        double t = (u - d->p[i - 1]) / (d->p[i] - d->p[i - 1]);
        return d->x[i - 1] + t * (d->x[i] - d->x[i - 1]);
    }
    }
    return 0;
}

double dist_mean(const struct dist *d)
{
    switch (d->kind) {
    case DIST_FIXED:
        return d->a;
    case DIST_UNIFORM:
        return (d->a + d->b) / 2;
    case DIST_EXP:
    case DIST_NORMAL:
        return d->a;
    case DIST_LOGNORMAL:
        return exp(d->a + d->b * d->b / 2);
    case DIST_PARETO: {
        double k = d->a, lo = d->b, hi = d->c;
        double norm = 1.0 - pow(lo / hi, k);
        if (fabs(k - 1.0) < 1e-12)
            return lo * hi / (hi - lo) * log(hi / lo);
        return pow(lo, k) / norm * k / (k - 1.0) * (pow(lo, 1.0 - k) - pow(hi, 1.0 - k));
    }
    case DIST_EMPIRICAL: {
        double m = d->x[0] * d->p[0];
        for (int i = 1; i < d->n; i++)
            m += (d->p[i] - d->p[i - 1]) * (d->x[i] + d->x[i - 1]) / 2;
        return m;
    }
    }
    return 0;
}

/* ---- parsing ---- */

static int quantity(const char *text, size_t len, enum dist_unit unit, double *out, char *err,
                    size_t errlen)
{
    char buf[64];
    while (len && isspace((unsigned char)*text))
        text++, len--;
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    if (len >= sizeof buf) {
        snprintf(err, errlen, "\"%.*s\" is too long", (int)len, text);
        return -1;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (unit == DIST_TIME) {
        sim_time_t t;
        if (units_parse_time(buf, &t, err, errlen) < 0)
            return -1;
        *out = (double)t;
    } else {
        uint64_t b;
        if (units_parse_size(buf, &b, err, errlen) < 0)
            return -1;
        *out = (double)b;
    }
    return 0;
}

static int number(const char *text, size_t len, double *out)
{
    char buf[64], *end;
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    *out = strtod(buf, &end);
    while (isspace((unsigned char)*end))
        end++;
    return *end || end == buf || !isfinite(*out) ? -1 : 0;
}

/* Split "a, b, c" into up to max arguments. */
static int split(const char *args, const char **start, size_t *len, int max)
{
    int n = 0;
    const char *p = args;
    while (*p && n < max) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        start[n] = p;
        len[n++] = l;
        if (!comma)
            return n;
        p = comma + 1;
    }
    return *p ? max + 1 : n;
}

int dist_parse(const char *text, enum dist_unit unit, struct dist *d, char *err, size_t errlen)
{
    char inner[160];
    const char *open = strchr(text, '(');
    size_t tl = strlen(text);
    const char *what = unit == DIST_TIME ? "time" : "size";
    if (!open) {               /* a bare quantity: fixed */
        double v;
        if (quantity(text, tl, unit, &v, inner, sizeof inner) < 0) {
            snprintf(err, errlen, "bad distribution \"%s\": %s", text, inner);
            return -1;
        }
        dist_fixed(d, v);
        return 0;
    }
    if (tl < 2 || text[tl - 1] != ')') {
        snprintf(err, errlen, "bad distribution \"%s\": missing ')'", text);
        return -1;
    }
    char name[16];
    size_t nl = (size_t)(open - text);
    if (nl >= sizeof name) {
        snprintf(err, errlen, "bad distribution \"%s\": unknown kind", text);
        return -1;
    }
    memcpy(name, text, nl);
    name[nl] = '\0';
    char args[160];
    snprintf(args, sizeof args, "%.*s", (int)(tl - nl - 2), open + 1);
    const char *s[DIST_MAX_POINTS + 1];
    size_t l[DIST_MAX_POINTS + 1];
    int n = split(args, s, l, DIST_MAX_POINTS);
    double v[3];
    struct { const char *name; int args; } kinds[] = {
        { "fixed", 1 }, { "uniform", 2 }, { "exp", 1 }, { "normal", 2 }, { "lognormal", 2 },
        { "pareto", 3 }, { "empirical", -1 },
    };
    int k = -1;
    for (int i = 0; i < 7; i++)
        if (!strcmp(name, kinds[i].name))
            k = i;
    if (k < 0) {
        snprintf(err, errlen, "bad distribution \"%s\": unknown kind \"%s\" (use fixed, uniform, "
                 "exp, normal, lognormal, pareto, empirical)", text, name);
        return -1;
    }
    if (kinds[k].args > 0 && n != kinds[k].args) {
        snprintf(err, errlen, "bad distribution \"%s\": %s takes %d argument%s", text, name,
                 kinds[k].args, kinds[k].args > 1 ? "s" : "");
        return -1;
    }
    if (k == DIST_EMPIRICAL) {
        double x[DIST_MAX_POINTS], p[DIST_MAX_POINTS];
        if (n < 1 || n > DIST_MAX_POINTS) {
            snprintf(err, errlen, "bad distribution \"%s\": 1 to %d value:probability points",
                     text, DIST_MAX_POINTS);
            return -1;
        }
        for (int i = 0; i < n; i++) {
            const char *colon = memchr(s[i], ':', l[i]);
            if (!colon || quantity(s[i], (size_t)(colon - s[i]), unit, &x[i], inner, sizeof inner) < 0 ||
                number(colon + 1, l[i] - (size_t)(colon + 1 - s[i]), &p[i]) < 0) {
                snprintf(err, errlen, "bad distribution \"%s\": point %d is not %s:probability",
                         text, i + 1, what);
                return -1;
            }
        }
        if (dist_empirical(d, x, p, n, inner, sizeof inner) < 0) {
            snprintf(err, errlen, "bad distribution \"%s\": %s", text, inner);
            return -1;
        }
        return 0;
    }
    for (int i = 0; i < n; i++) {
        bool shape = k == DIST_PARETO && i == 0;
        int rc = shape ? number(s[i], l[i], &v[i]) : quantity(s[i], l[i], unit, &v[i], inner, sizeof inner);
        if (rc < 0) {
            snprintf(err, errlen, "bad distribution \"%s\": argument %d: %s", text, i + 1,
                     shape ? "the shape is a number" : inner);
            return -1;
        }
    }
    const char *why = NULL;
    switch ((enum dist_kind)k) {
    case DIST_FIXED: dist_fixed(d, v[0]); break;
    case DIST_UNIFORM:
        why = v[1] < v[0] ? "the upper bound is below the lower" : NULL;
        dist_uniform(d, v[0], v[1]);
        break;
    case DIST_EXP:
        why = v[0] <= 0 ? "the mean must be above 0" : NULL;
        dist_exp(d, v[0]);
        break;
    case DIST_NORMAL: dist_normal(d, v[0], v[1]); break;
    case DIST_LOGNORMAL:
        why = v[0] <= 0 ? "the mean must be above 0" : NULL;
        dist_lognormal(d, v[0], v[1]);
        break;
    case DIST_PARETO:
        why = !(v[0] > 0) ? "the shape must be above 0"
              : !(v[1] > 0 && v[2] > v[1]) ? "the bounds must be 0 < low < high" : NULL;
        dist_pareto(d, v[0], v[1], v[2]);
        break;
    case DIST_EMPIRICAL: break;
    }
    if (why) {
        snprintf(err, errlen, "bad distribution \"%s\": %s", text, why);
        return -1;
    }
    return 0;
}
