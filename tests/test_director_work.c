/* What the director counts it did to each frame (net/work.h), which the
 * simulated CPU charges: a new connection, an established segment in each
 * mode, a NAT reply, a SYN-proxy cookie. */
#include <criterion/criterion.h>

#include "support/director_rig.h"

static struct rig r;

static void clear(void) { memset(&r.h->work, 0, sizeof r.h->work); }
static uint32_t did(enum host_work w) { return r.h->work.n[w]; }

Test(director_work, each_mode_counts_its_own_rewrite)
{
    static const enum ipvs_fwd modes[] = { IPVS_FWD_MASQ, IPVS_FWD_TUNNEL, IPVS_FWD_DROUTE, IPVS_FWD_FULLNAT };
    static const enum host_work xmit[] = { WORK_XMIT_NAT, WORK_XMIT_TUN, WORK_XMIT_DR, WORK_XMIT_FULLNAT };
    for (int m = 0; m < 4; m++) {
        rig_init(&r, modes[m], 2, "rr", false);
        clear();
        rig_send(&r, 1, TCP_SYN);
        /* FULLNAT looks in the reply-side table too before it schedules */
        cr_assert_eq(did(WORK_CONN_MISS), modes[m] == IPVS_FWD_FULLNAT ? 2 : 1, "mode %d", m);
        cr_assert_eq(did(WORK_SCHEDULE), 1);
        cr_assert_eq(did(WORK_CONN_NEW), 1);
        cr_assert_eq(did(xmit[m]), 1);
        cr_assert_eq(did(WORK_TOA), modes[m] == IPVS_FWD_FULLNAT ? 1 : 0, "a FULLNAT SYN takes TOA");
        clear();
        rig_send(&r, 1, TCP_ACK);
        cr_assert_eq(did(WORK_CONN_HIT), 1);
        cr_assert_eq(did(WORK_CONN_NEW), 0);
        cr_assert_eq(did(xmit[m]), 1);
        for (int k = 0; k < 4; k++)
            if (k != m)
                cr_assert_eq(did(xmit[k]), 0);
        cr_assert_eq(rig_free(&r), 0);
    }
}

Test(director_work, a_nat_reply_is_a_lookup_and_a_reply_rewrite)
{
    rig_init(&r, IPVS_FWD_MASQ, 1, "rr", false);
    rig_send(&r, 1, TCP_SYN);
    clear();
    rig_reply(&r, 0, 1, TCP_SYN | TCP_ACK);
    cr_assert_eq(did(WORK_CONN_HIT), 1);
    cr_assert_eq(did(WORK_REPLY_NAT), 1);
    cr_assert_eq(did(WORK_XMIT_NAT), 0);
    cr_assert_eq(rig_free(&r), 0);
}

Test(director_work, a_syn_proxy_answers_with_a_cookie_and_sums_the_segment)
{
    rig_init(&r, IPVS_FWD_MASQ, 1, "rr", false);
    ipvs_service_find(&r.ipvs, IPPROTO_TCP, RIG_VIP, RIG_PORT, 0)->flags |= IPVS_SVC_SYNPROXY;
    clear();
    rig_send(&r, 1, TCP_SYN);
    cr_assert_eq(did(WORK_SYNPROXY_SYN), 1);
    cr_assert_eq(did(WORK_CONN_NEW), 0);
    cr_assert_geq(did(WORK_CSUM_BYTE), 2 * TCP_HLEN, "the SYN checked and the SYN-ACK summed");
    cr_assert_eq(rig_free(&r), 0);
}
