/*
 * Wire formats: Ethernet, ARP, IPv4, ICMP, UDP and TCP headers as they are on
 * the wire (network byte order, packed). Convert with ntohs/htons at the
 * boundary; structs elsewhere hold host order.
 */
#ifndef NET_HDR_H
#define NET_HDR_H

#include <arpa/inet.h>
#include <stdint.h>

#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806

struct eth_hdr {
    uint8_t dst[ETH_ALEN];
    uint8_t src[ETH_ALEN];
    uint16_t type;
} __attribute__((packed));

#define ARP_HRD_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct arp_hdr {
    uint16_t hrd, pro;
    uint8_t hln, pln;
    uint16_t op;
    uint8_t sha[ETH_ALEN];
    uint32_t spa;
    uint8_t tha[ETH_ALEN];
    uint32_t tpa;
} __attribute__((packed));

#define IPPROTO_ICMP_ 1
#define IPV4_HLEN 20
#define IPV4_DF 0x4000
#define IPV4_MF 0x2000
#define IPV4_OFFMASK 0x1fff

struct ipv4_hdr {
    uint8_t ver_ihl;           /* version 4, header length in 32-bit words */
    uint8_t tos;
    uint16_t tot_len;
    uint16_t id;
    uint16_t frag_off;         /* flags (DF, MF) and offset in 8-byte units */
    uint8_t ttl;
    uint8_t proto;
    uint16_t check;
    uint32_t saddr;
    uint32_t daddr;
} __attribute__((packed));

static inline unsigned ipv4_hdr_len(const struct ipv4_hdr *ip) { return (ip->ver_ihl & 0x0f) * 4u; }

#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_REDIRECT 5
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_NET_UNREACH 0
#define ICMP_HOST_UNREACH 1
#define ICMP_PROT_UNREACH 2
#define ICMP_PORT_UNREACH 3
#define ICMP_FRAG_NEEDED 4
#define ICMP_REDIR_HOST 1      /* redirect codes: 0 net, 1 host, 2 and 3 with TOS */
#define ICMP_REDIR_HOSTTOS 3

struct icmp_hdr {
    uint8_t type;
    uint8_t code;
    uint16_t check;
    union {
        struct { uint16_t id, seq; } echo;
        struct { uint16_t unused, mtu; } frag;
        uint32_t gateway;
        uint32_t unused;
    } un;
} __attribute__((packed));

struct udp_hdr {
    uint16_t sport, dport;
    uint16_t len;
    uint16_t check;
} __attribute__((packed));

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80
#define TCP_HLEN 20

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WSCALE 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK 5
#define TCPOPT_TIMESTAMP 8
#define TCPOPT_TOA 254         /* Alibaba FULLNAT: client port, client IPv4 */
#define TCPOLEN_MSS 4
#define TCPOLEN_TIMESTAMP 10
#define TCPOLEN_TOA 8

struct tcp_hdr {
    uint16_t sport, dport;
    uint32_t seq;
    uint32_t ack;
    uint8_t doff;              /* data offset in the high 4 bits */
    uint8_t flags;
    uint16_t window;
    uint16_t check;
    uint16_t urg;
} __attribute__((packed));

static inline unsigned tcp_hdr_len(const struct tcp_hdr *th) { return (th->doff >> 4) * 4u; }

#endif
