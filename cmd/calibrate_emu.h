/*
 * The calibration's second source: a results.json holding the same
 * scenario simulated with a cost profile and emulated (lvslab run, then
 * lvslab emu run, world sim+emu). The emulated director's CPU time per
 * packet, less what the simulated director's profile charged per packet in
 * the same mode, is what the emulated director spends on its own I/O (TAP
 * reads and writes, system calls, copies); a per-packet and a per-byte
 * cost fitted to it over the modes (least squares) go to the profile's
 * frame_in and frame_out (half each) and frame_byte.
 */
#ifndef CMD_CALIBRATE_EMU_H
#define CMD_CALIBRATE_EMU_H

#include <stdio.h>

#include "scenario/cpu_profile.h"

/* p (the profile the simulated runs used) with the emulated director's
 * I/O added; its header line in note. 0, or -1 with a message on log. */
int cal_from_emu(const char *results, struct scn_cpu_profile *p, char *note, size_t notelen, FILE *log);

#endif
