/* libFuzzer: any ipvsadm line, parsed and run on a table that keeps what
 * earlier lines built, is taken or refused with a message, never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sched.h"
#include "lvs/ipvs.h"
#include "lvs/ipvsadm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sched clock;
    static struct ipvs ipvs;
    static int lines;
    if (!lines++) {
        sched_init(&clock);
        ipvs_init(&ipvs, NULL, sched_rt(&clock));
    }
    char *line = malloc(size + 1);
    memcpy(line, data, size);
    line[size] = '\0';
    char err[512];
    ipvsadm_run(&ipvs, line, "fuzz", &(struct ipvsadm_io){ .out = NULL }, err, sizeof err);
    free(line);
    if (lines % 1000 == 0)
        ipvsadm_run(&ipvs, "-C", "fuzz", &(struct ipvsadm_io){ .out = NULL }, err, sizeof err);
    return 0;
}
