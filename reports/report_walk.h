/*
 * The packet walk: for each mode, the first connection's SYN, SYN-ACK and
 * first data segment followed through every capture of the mode's first
 * run in time order, with what each hop saw (MACs, addresses, ports, TTL,
 * the outer header of a tunnel, a TOA option), read from the captures.
 */
#ifndef REPORTS_REPORT_WALK_H
#define REPORTS_REPORT_WALK_H

#include <jansson.h>
#include <stdio.h>

/* A section of summary.md; dir holds results.json and the captures. */
void report_walk_md(FILE *f, json_t *root, const char *dir);
/* The same in index.html, with an SVG sequence diagram per mode. */
void report_walk_html(FILE *f, json_t *root, const char *dir);

#endif
