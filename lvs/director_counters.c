/* The director's drop and SYN-proxy counters as text (see the header). */
#include "lvs/director_counters.h"

#include "net/host.h"

void ipvs_counters_print(const struct ipvs *ipvs, FILE *out)
{
    const struct host *h = ipvs->host;
    fprintf(out, "Drops:\n");
    for (int r = 0; r < DROP_REASONS; r++)
        if (h->drops[r])
            fprintf(out, "  %-20s %llu\n", host_drop_name((enum host_drop)r), (unsigned long long)h->drops[r]);
    const struct ipvs_synproxy_stats *s = &ipvs->synproxy;
    fprintf(out, "SynProxy: syn_answered %llu ack_ok %llu ack_bad %llu held_over %llu rs_synack %llu rs_rst %llu "
                 "rs_unexpected %llu\n",
            (unsigned long long)s->syn_answered, (unsigned long long)s->ack_ok, (unsigned long long)s->ack_bad,
            (unsigned long long)s->held_over, (unsigned long long)s->rs_synack, (unsigned long long)s->rs_rst,
            (unsigned long long)s->rs_unexpected);
}
