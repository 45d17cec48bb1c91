/* Writing an emulated proxy's nginx.conf from its serve() options. */
#include "emu/nginx_conf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apps/proxy_peers.h"

/* nginx's time syntax: whole milliseconds. */
static long long ms(sim_time_t t) { return (long long)(t / SIM_MS); }

int emu_nginx_conf(const struct scn_server_app *app, const char *node, const char *dir, char *err, size_t errlen)
{
    const struct scn_proxy *px = &app->proxy;
    char path[512];
    snprintf(path, sizeof path, "%s/nginx.conf", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "# The L7 proxy of %s, written by lvslab from serve() at %s.\n"
               "user root;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log notice;\n"
               "events {\n    worker_connections 4096;\n}\n"
               "http {\n    access_log off;\n"
               "    client_body_temp_path %s/client_body;\n    proxy_temp_path %s/proxy;\n"
               "    fastcgi_temp_path %s/fastcgi;\n    uwsgi_temp_path %s/uwsgi;\n    scgi_temp_path %s/scgi;\n"
               "    upstream backend {\n",
            node, app->where.text, dir, dir, dir, dir, dir, dir, dir);
    if (px->balance != PROXY_ROUND_ROBIN)
        fprintf(f, "        %s;\n", proxy_balance_name((enum proxy_balance)px->balance));
    for (int i = 0; i < px->nupstream; i++) {
        uint32_t a = px->upstream_addr[i];
        /* fail_timeout is whole seconds in nginx (ngx_parse_time with is_sec) */
        fprintf(f, "        server %u.%u.%u.%u:%u max_fails=%d fail_timeout=%llds;\n", a >> 24, (a >> 16) & 255,
                (a >> 8) & 255, a & 255, px->upstream_port[i], px->max_fails,
                (long long)(px->fail_timeout / SIM_S));
    }
    if (px->keepalive > 0)
        fprintf(f, "        keepalive %d;\n", px->keepalive);
    fprintf(f, "    }\n    server {\n        listen %u;\n        location / {\n"
               "            proxy_pass http://backend;\n"
               "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
               "            proxy_connect_timeout %lldms;\n            proxy_read_timeout %lldms;\n",
            app->port, ms(px->timeout), ms(px->timeout));
    if (px->keepalive > 0)
        fputs("            proxy_http_version 1.1;\n            proxy_set_header Connection \"\";\n", f);
    fputs("        }\n    }\n}\n", f);
    if (ferror(f) | fclose(f)) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}
