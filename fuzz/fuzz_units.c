/* libFuzzer: the unit and distribution parsers take any text without
 * crashing, and a value they accept is one they give back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "engine/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char err[256];
    sim_time_t t;
    uint64_t v;
    struct dist d;
    units_parse_time(text, &t, err, sizeof err);
    units_parse_rate(text, &v, err, sizeof err);
    units_parse_size(text, &v, err, sizeof err);
    if (dist_parse(text, DIST_TIME, &d, err, sizeof err) == 0)
        (void)dist_mean(&d);
    dist_parse(text, DIST_SIZE, &d, err, sizeof err);
    free(text);
    return 0;
}
