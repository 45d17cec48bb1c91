/*
 * The service names ipvsadm resolves with getservbyname(name, "tcp" or
 * "udp") and prints with getservbyport: a fixed copy of the entries of
 * Debian 12's /etc/services (netbase) that a virtual service is likely to
 * use, each for the protocols it lists there. lvslab reads no system file.
 */
#include <netinet/in.h>
#include <string.h>

#include "lvs/ipvsadm.h"

#define T 1u    /* listed for tcp */
#define U 2u    /* listed for udp */

static const struct {
    const char *name, *alias;
    uint16_t port;
    unsigned protos;
} services[] = {
    { "ftp-data", NULL, 20, T }, { "ftp", NULL, 21, T }, { "ssh", NULL, 22, T },
    { "telnet", NULL, 23, T }, { "smtp", "mail", 25, T }, { "domain", NULL, 53, T | U },
    { "bootps", NULL, 67, U }, { "tftp", NULL, 69, U }, { "http", "www", 80, T },
    { "kerberos", "kerberos5", 88, T | U }, { "pop3", "pop-3", 110, T }, { "ntp", NULL, 123, U },
    { "imap2", "imap", 143, T }, { "snmp", NULL, 161, T | U }, { "ldap", NULL, 389, T | U },
    { "https", NULL, 443, T | U }, { "isakmp", NULL, 500, U }, { "syslog", NULL, 514, U },
    { "submission", NULL, 587, T }, { "domain-s", NULL, 853, T | U }, { "imaps", NULL, 993, T },
    { "pop3s", NULL, 995, T }, { "openvpn", NULL, 1194, T | U }, { "radius", NULL, 1812, T | U },
    { "mysql", NULL, 3306, T }, { "sip", NULL, 5060, T | U }, { "sip-tls", NULL, 5061, T | U },
    { "postgresql", "postgres", 5432, T }, { "http-alt", "webcache", 8080, T },
};

/* A fwmark service has no protocol of its own: ipvsadm -f gives it tcp. */
static unsigned proto_bit(uint8_t protocol)
{
    return protocol == IPPROTO_UDP ? U : T;
}

int ipvsadm_service_port(const char *name, uint8_t protocol)
{
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
        if ((services[i].protos & proto_bit(protocol)) &&
            (!strcmp(services[i].name, name) || (services[i].alias && !strcmp(services[i].alias, name))))
            return services[i].port;
    return -1;
}

const char *ipvsadm_port_service(uint16_t port, uint8_t protocol)
{
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
        if (services[i].port == port && (services[i].protos & proto_bit(protocol)))
            return services[i].name;
    return NULL;
}
