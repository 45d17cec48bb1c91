/*
 * Reports: capacity and failover per run (report_stages.c), for the runs
 * that measured a time after their window (the scenario's `after`, e.g.
 * scenarios/evolution.lua's stages): a table naming each run's limit, and
 * in index.html a chart of capacity (measured and bound) and one of what
 * the failover cost. Nothing when no run has an "after".
 */
#ifndef LVSLAB_REPORT_STAGES_H
#define LVSLAB_REPORT_STAGES_H

#include <jansson.h>
#include <stdio.h>

struct report_stages {
    char *svg[2];              /* capacity, failover loss; NULL without runs measured after */
};

/* The charts, from gnuplot; 0, or -1 with err set. */
int report_stages_svg(json_t *root, struct report_stages *out, char *err, size_t errlen);
void report_stages_free(struct report_stages *s);
void report_stages_md(FILE *f, json_t *root);
void report_stages_html(FILE *f, json_t *root, const struct report_stages *s);

#endif
