/* The collector of stale lblc and lblcr entries, as the kernel's
 * ip_vs_lblc_check_expire and ip_vs_lblcr_check_expire. */
#include "lvs/sched/locality.h"

void ipvs_loc_gc_init(struct ipvs_loc_gc *gc)
{
    *gc = (struct ipvs_loc_gc){ .max_size = IPVS_LOC_TAB_SIZE * 16, .counter = 1 };
}

void ipvs_loc_gc_run(struct ipvs_loc_gc *gc, sim_time_t now, ipvs_loc_expire_fn expire, void *table)
{
    int j = gc->rover;
    if (gc->counter % IPVS_LOC_COUNT_FOR_FULL == 0) {
        for (int i = 0; i < IPVS_LOC_TAB_SIZE; i++) {
            j = (j + 1) & IPVS_LOC_TAB_MASK;
            expire(table, j, now, IPVS_LOC_EXPIRATION);
        }
        gc->rover = j;
        gc->counter = 1;
        return;
    }
    if (gc->entries <= gc->max_size) {
        gc->counter++;
        return;
    }
    int goal = (gc->entries - gc->max_size) * 4 / 3;
    if (goal > gc->max_size / 2)
        goal = gc->max_size / 2;
    for (int i = 0; i < IPVS_LOC_TAB_SIZE; i++) {
        j = (j + 1) & IPVS_LOC_TAB_MASK;
        goal -= expire(table, j, now, IPVS_LOC_ENTRY_TIMEOUT);
        if (goal <= 0)
            break;
    }
    gc->rover = j;
}
