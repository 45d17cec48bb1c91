/* Reading pcap and pcapng files (see pcap_file.h). */
#include "reports/pcap_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINK_ETHERNET 1

static uint32_t u32(const struct pcap_file *f, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return f->swapped ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const struct pcap_file *f, const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return f->swapped ? __builtin_bswap16(v) : v;
}

static int fail(const struct pcap_file *f, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s at byte %zu", f->path, what, f->at);
    return -1;
}

int pcap_file_open(struct pcap_file *f, const char *path, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    f->size = (size_t)st.st_size;
    f->map = f->size ? mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (f->size && f->map == MAP_FAILED) {
        f->map = NULL;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (f->map)
        madvise((void *)f->map, f->size, MADV_SEQUENTIAL);
    uint32_t magic = 0;
    if (f->size >= 4)
        memcpy(&magic, f->map, 4);
    if (magic == 0x0A0D0D0Au) {
        f->ng = 1;
        return 0;           /* the section header is read as a block */
    }
    const uint32_t magics[4] = { 0xa1b2c3d4u, 0xa1b23c4du, 0xd4c3b2a1u, 0x4d3cb2a1u };
    int k = 0;
    while (k < 4 && magic != magics[k])
        k++;
    if (k == 4 || f->size < 24) {
        snprintf(err, errlen, "%s: neither a pcap nor a pcapng file", path);
        pcap_file_close(f);
        return -1;
    }
    f->swapped = k >= 2;
    f->pcap_tick_ns = k % 2 ? 1 : 1000;
    f->pcap_link = u32(f, f->map + 20) & 0x0fffffffu;
    f->at = 24;
    f->nifaces = 1;
    snprintf(f->ifaces[0].name, sizeof f->ifaces[0].name, "%s", "");
    if (f->pcap_link != LINK_ETHERNET) {
        snprintf(err, errlen, "%s: link type %u, not Ethernet", path, f->pcap_link);
        pcap_file_close(f);
        return -1;
    }
    return 0;
}

static int next_pcap(struct pcap_file *f, struct pcap_file_frame *fr, char *err, size_t errlen)
{
    if (f->at == f->size)
        return 0;
    if (f->size - f->at < 16)
        return fail(f, err, errlen, "a record cut short");
    const uint8_t *h = f->map + f->at;
    uint32_t caplen = u32(f, h + 8);
    if (caplen > f->size - f->at - 16)
        return fail(f, err, errlen, "a record cut short");
    *fr = (struct pcap_file_frame){ .data = h + 16, .caplen = caplen, .len = u32(f, h + 12),
                                    .t_ns = (int64_t)u32(f, h) * 1000000000 + (int64_t)u32(f, h + 4) * f->pcap_tick_ns };
    f->at += 16 + caplen;
    return 1;
}

/* An interface description block's options: if_name, if_tsresol. */
static void read_idb(struct pcap_file *f, const uint8_t *b, uint32_t total)
{
    if (f->nifaces == PCAP_FILE_IFACES)
        return;
    int i = f->nifaces++;
    f->ifaces[i].link = u16(f, b + 8);
    f->ifaces[i].tick_num = 1000;       /* the default: microseconds */
    f->ifaces[i].tick_den = 1;
    f->ifaces[i].name[0] = '\0';
    for (uint32_t o = 16; o + 4 <= total - 4;) {
        uint16_t code = u16(f, b + o), len = u16(f, b + o + 2);
        if (code == 0 || o + 4 + len > total - 4)
            break;
        if (code == 2)
            snprintf(f->ifaces[i].name, sizeof f->ifaces[i].name, "%.*s", (int)len, (const char *)b + o + 4);
        if (code == 9 && len >= 1) {
            uint8_t r = b[o + 4];
            if ((r & 0x7f) > (r & 0x80 ? 40 : 12)) {     /* finer than a picosecond: not a real one */
                o += 4 + ((len + 3u) & ~3u);
                continue;
            }
            int64_t num = 1000000000, den = 1;
            for (int k = 0; k < (r & 0x7f); k++)
                den *= r & 0x80 ? 2 : 10;
            while (den > 1 && num % 10 == 0 && den % 10 == 0) {
                num /= 10;
                den /= 10;
            }
            f->ifaces[i].tick_num = num;
            f->ifaces[i].tick_den = den;
        }
        o += 4 + ((len + 3u) & ~3u);
    }
}

static int next_ng(struct pcap_file *f, struct pcap_file_frame *fr, char *err, size_t errlen)
{
    while (f->at < f->size) {
        if (f->size - f->at < 12)
            return fail(f, err, errlen, "a block cut short");
        const uint8_t *b = f->map + f->at;
        uint32_t type;
        memcpy(&type, b, 4);
        if (type == 0x0A0D0D0Au) {          /* a section: its byte order, no interfaces yet */
            uint32_t bom;
            memcpy(&bom, b + 8, 4);
            if (bom != 0x1A2B3C4Du && bom != 0x4D3C2B1Au)
                return fail(f, err, errlen, "a section header without its byte-order magic");
            f->swapped = bom != 0x1A2B3C4Du;
            f->nifaces = 0;
        } else {
            type = u32(f, b);
        }
        uint32_t total = u32(f, b + 4);
        if (total < 12 || total % 4 || total > f->size - f->at)
            return fail(f, err, errlen, "a block of a wrong length");
        f->at += total;
        if (type == 1) {
            read_idb(f, b, total);
        } else if (type == 6 && total >= 32) {
            uint32_t iface = u32(f, b + 8), caplen = u32(f, b + 20);
            if (iface >= (uint32_t)f->nifaces || caplen > total - 32)
                return fail(f, err, errlen, "a packet block of an unknown interface or cut short");
            if (f->ifaces[iface].link != LINK_ETHERNET)
                continue;
            uint64_t ticks = (uint64_t)u32(f, b + 12) << 32 | u32(f, b + 16);
            *fr = (struct pcap_file_frame){ .data = b + 28, .caplen = caplen, .len = u32(f, b + 24),
                                            .t_ns = (int64_t)ticks * f->ifaces[iface].tick_num /
                                                    f->ifaces[iface].tick_den,
                                            .iface = (int)iface };
            for (uint32_t o = 28 + ((caplen + 3u) & ~3u); o + 4 <= total - 4;) {
                uint16_t code = u16(f, b + o), len = u16(f, b + o + 2);
                if (code == 0 || o + 4 + len > total - 4)
                    break;
                if (code == 2 && len == 4)
                    fr->dir = (int)(u32(f, b + o + 4) & 3);
                o += 4 + ((len + 3u) & ~3u);
            }
            return 1;
        } else if (type == 3 && total >= 16 && f->nifaces > 0 && f->ifaces[0].link == LINK_ETHERNET) {
            uint32_t len = u32(f, b + 8), caplen = len < total - 16 ? len : total - 16;
            *fr = (struct pcap_file_frame){ .data = b + 12, .caplen = caplen, .len = len };
            return 1;
        }
    }
    return 0;
}

int pcap_file_next(struct pcap_file *f, struct pcap_file_frame *fr, char *err, size_t errlen)
{
    return f->ng ? next_ng(f, fr, err, errlen) : next_pcap(f, fr, err, errlen);
}

void pcap_file_close(struct pcap_file *f)
{
    if (f->map)
        munmap((void *)f->map, f->size);
    f->map = NULL;
}
