/* Reports: the fixed qualitative facts per forwarding mode (after the classic
 * LVS comparison table, extended with FULLNAT) and the saturation point
 * measured from the sweep. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "reports/report_int.h"

static const struct report_mode_facts facts[] = {
    { "nat", "yes: replies must return through the director",
      "yes (only the destination is rewritten)",
      "real servers on a private network behind the director; only the director is exposed",
      "low: ipvsadm -m, default route via the director", "any TCP/IP stack" },
    { "tun", "no: replies go straight to the client",
      "yes", "real servers need public routes and the VIP on a tunnel device",
      "medium: IP-in-IP tunnel and VIP on each real server, rp_filter off",
      "must decapsulate IP-in-IP" },
    { "dr", "no: replies go straight to the client",
      "yes", "real servers on the director's LAN hold the VIP (ARP must be hidden)",
      "medium: VIP on a non-ARP device, arp_ignore/arp_announce on each real server",
      "non-ARP device for the VIP" },
    { "fullnat", "no: ordinary routing, both addresses rewritten",
      "no (source is a director local address; needs TOA or similar)",
      "real servers anywhere routable from the director; only the director is exposed",
      "low on real servers, local address pool on the director",
      "any TCP/IP stack" },
};

static const struct report_mode_facts unknown = {
    "?", "unknown mode", "unknown", "unknown", "unknown", "unknown"
};

const struct report_mode_facts *report_mode_facts(const char *series)
{
    size_t n = strcspn(series, " ");     /* "nat (emu)": the mode's facts */
    for (size_t i = 0; i < sizeof facts / sizeof *facts; i++)
        if (strlen(facts[i].mode) == n && !strncmp(facts[i].mode, series, n))
            return &facts[i];
    return &unknown;
}

double report_saturation(json_t *root, const char *series, json_t **peak)
{
    json_t *runs = json_object_get(root, "runs"), *r, *pts[64];
    size_t i, n = 0;

    *peak = NULL;
    json_array_foreach(runs, i, r) {
        if (!report_run_in(r, series))
            continue;
        double g = report_num(r, "goodput_mbps");
        if (!isnan(g) && (!*peak || g > report_num(*peak, "goodput_mbps")))
            *peak = r;
        if (n < 64 && !isnan(report_sweep_value(root, r)) && !isnan(g))
            pts[n++] = r;
    }
    /* sort by sweep value (insertion sort: a handful of points) */
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && report_sweep_value(root, pts[b - 1]) >
                                    report_sweep_value(root, pts[b]); b--) {
            json_t *t = pts[b]; pts[b] = pts[b - 1]; pts[b - 1] = t;
        }
    for (size_t k = 0; k < n; k++) {
        double g = report_num(pts[k], "goodput_mbps");
        double bound = report_num(pts[k], "bound.goodput_mbps");
        json_t *by = json_object_get(json_object_get(pts[k], "bound"), "limited_by");
        bool director_bound = json_is_string(by) && !strncmp(json_string_value(by), "director", 8);
        if (director_bound && !isnan(bound) && g >= 0.9 * bound)
            return report_sweep_value(root, pts[k]);
        if (k + 1 < n && report_num(pts[k + 1], "goodput_mbps") <= 1.10 * g)
            return report_sweep_value(root, pts[k]);
    }
    return NAN;
}
