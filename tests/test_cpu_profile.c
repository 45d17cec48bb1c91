/* Cost profile files (scenario/cpu_profile.c): the shipped default loads
 * with every key, a written profile reads back the same, and each mistake
 * is named with its file:line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scenario/cpu_profile.h"

static char path[64];
static char err[1024];

static void write_file(const char *text)
{
    snprintf(path, sizeof path, "/tmp/lvslab-profile-%d.conf", (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void all_keys_but(char *buf, size_t len, int skip, const char *extra)
{
    size_t at = 0;
    for (int c = 0; c < SCN_COSTS; c++)
        if (c != skip)
            at += (size_t)snprintf(buf + at, len - at, "%s = %d.5\n", scn_cost_name(c), c);
    snprintf(buf + at, len - at, "%s", extra);
}

Test(cpu_profile, the_shipped_default_has_every_cost)
{
    char found[256];
    cr_assert_eq(scn_cpu_profile_find("default", "scenarios", found, sizeof found, err, sizeof err), 0, "%s", err);
    struct scn_cpu_profile p;
    cr_assert_eq(scn_cpu_profile_load(found, &p, err, sizeof err), 0, "%s", err);
    cr_assert(p.set);
    /* the measured order the default comparison shows */
    cr_assert_gt(p.ns[WORK_XMIT_TUN], p.ns[WORK_XMIT_DR]);
    cr_assert_gt(p.ns[WORK_XMIT_FULLNAT], p.ns[WORK_XMIT_NAT]);
    cr_assert_gt(p.ns[SCN_COST_FRAME_IN], 0);
}

Test(cpu_profile, a_written_profile_reads_back)
{
    struct scn_cpu_profile p = { .set = true }, q;
    for (int c = 0; c < SCN_COSTS; c++)
        p.ns[c] = 1.25 * c;
    snprintf(path, sizeof path, "/tmp/lvslab-profile-%d.conf", (int)getpid());
    cr_assert_eq(scn_cpu_profile_write(path, &p, "# test\n"), 0);
    cr_assert_eq(scn_cpu_profile_load(path, &q, err, sizeof err), 0, "%s", err);
    for (int c = 0; c < SCN_COSTS; c++)
        cr_assert_float_eq(q.ns[c], p.ns[c], 1e-9, "%s", scn_cost_name(c));
    cr_assert_str_eq(q.source, path);
    unlink(path);
}

Test(cpu_profile, a_missing_key_is_named)
{
    char text[2048];
    all_keys_but(text, sizeof text, WORK_TOA, "");
    write_file(text);
    struct scn_cpu_profile p;
    cr_assert_eq(scn_cpu_profile_load(path, &p, err, sizeof err), -1);
    cr_assert(strstr(err, "no toa"), "%s", err);
    unlink(path);
}

Test(cpu_profile, a_twice_given_key_and_a_bad_number_name_their_line)
{
    char text[2048];
    all_keys_but(text, sizeof text, -1, "toa = 3\n");
    write_file(text);
    struct scn_cpu_profile p;
    cr_assert_eq(scn_cpu_profile_load(path, &p, err, sizeof err), -1);
    char want[128];
    snprintf(want, sizeof want, "%s:%d: toa given twice", path, SCN_COSTS + 1);
    cr_assert(strstr(err, want), "%s", err);
    write_file("# costs\n\nframe_in = -1\n");
    cr_assert_eq(scn_cpu_profile_load(path, &p, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:3: frame_in = \"-1\": expected nanoseconds", path);
    cr_assert(strstr(err, want), "%s", err);
    write_file("frame_in 12\n");
    cr_assert_eq(scn_cpu_profile_load(path, &p, err, sizeof err), -1);
    cr_assert(strstr(err, ":1: expected `key = nanoseconds`"), "%s", err);
    unlink(path);
}

Test(cpu_profile, a_shipped_name_is_a_plain_word)
{
    char found[256];
    cr_assert_eq(scn_cpu_profile_find("../etc", "scenarios", found, sizeof found, err, sizeof err), -1);
    cr_assert(strstr(err, "lower-case letters"), "%s", err);
}
