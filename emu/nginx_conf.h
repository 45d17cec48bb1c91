/*
 * The nginx.conf of an emulated L7 proxy (serve kind = "proxy"): an
 * upstream block with the scenario's peers, balance (least_conn, ip_hash,
 * or round robin by default), max_fails and fail_timeout, keepalive (with
 * proxy_http_version 1.1 and an empty Connection header, as nginx needs for
 * it), X-Forwarded-For added, the connect and read timeouts; the pid file,
 * error log and temp paths all under dir, nothing else written. nginx runs
 * it in the node's namespace as `nginx -p DIR/ -e DIR/error.log -c FILE
 * -g 'daemon off;'`. per_request and per_byte have no meaning for the real
 * nginx and are left out.
 */
#ifndef EMU_NGINX_CONF_H
#define EMU_NGINX_CONF_H

#include <stddef.h>

#include "scenario/scenario.h"

/* Write dir/nginx.conf for app; 0, or -1 with err. */
int emu_nginx_conf(const struct scn_server_app *app, const char *node, const char *dir, char *err, size_t errlen);

#endif
