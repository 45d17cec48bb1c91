/*
 * An instance's virtual addresses: added to its interface (or the one
 * "dev IFACE" names) when it becomes
 * MASTER and announced with gratuitous ARP, garp_master_repeat per address
 * at once and as many again garp_master_delay later (keepalived's
 * vrrp_send_link_update and its delayed thread); removed when it leaves
 * MASTER or starts.
 */
#include "lvs/keepalived/vrrp.h"

#include "net/arp.h"

void vrrp_garp_burst(void *arg)
{
    struct vrrp_instance *vi = arg;
    if (!vi->vips_set)
        return;
    for (unsigned rep = 0; rep < vi->conf.garp_master_repeat; rep++)
        for (int i = 0; i < vi->conf.nvips; i++) {
            arp_announce_gratuitous(vi->vip_nif[i], vi->conf.vips[i]);
            vi->stats.garps_sent++;
        }
}

void vrrp_vips_take(struct vrrp_instance *vi)
{
    for (int i = 0; i < vi->conf.nvips; i++)
        netif_add_addr(vi->vip_nif[i], vi->conf.vips[i], vi->conf.vip_prefix[i]);
    vi->vips_set = true;
    vrrp_garp_burst(vi);
    if (vi->conf.garp_master_delay)
        rt_timer_arm_in(vi->nif->host->rt, &vi->garp_timer, vi->conf.garp_master_delay);
}

void vrrp_vips_release(struct vrrp_instance *vi)
{
    rt_timer_cancel(vi->nif->host->rt, &vi->garp_timer);
    for (int i = 0; i < vi->conf.nvips; i++)
        netif_del_addr(vi->vip_nif[i], vi->conf.vips[i]);
    vi->vips_set = false;
}
