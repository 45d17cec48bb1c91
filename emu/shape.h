/*
 * A link's rate in the emulated world: an htb class at the rate on a
 * device's egress, with a packet FIFO as deep as the link's queue (the
 * kernel here has htb but no netem, so no delay or loss: EMULATION-NOTES).
 */
#ifndef EMU_SHAPE_H
#define EMU_SHAPE_H

#include <stddef.h>
#include <stdint.h>

/* Shape dev (in namespace ns; NULL: this one); 0, or -1 with err. */
int emu_shape(const char *ns, const char *dev, uint64_t rate_bps, uint32_t queue_pkts, char *err, size_t errlen);

#endif
