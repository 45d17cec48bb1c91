/* libFuzzer: any keepalived.conf text parses or fails with file:line,
 * never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lvs/keepalived/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct ka_conf conf;
    char err[512];
    if (ka_conf_parse_string(text, "fuzz.conf", &conf, err, sizeof err) == 0)
        ka_conf_free(&conf);
    free(text);
    return 0;
}
