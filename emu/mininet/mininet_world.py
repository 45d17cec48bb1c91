"""The emulated world of one lvslab run built on Mininet, from the plan
`lvslab emu plan` prints: a Mininet host per host and router, a LinuxBridge
switch per switch (named as `lvslab emu up` names its bridge, so the
director's TAP joins it), no controller; then each node's sysctls,
addresses and routes, each real server set up the Linux way for its mode,
the HTTP servers, and lvslab's emulated director in the root namespace.

The per-mode Linux set-up repeats emu/world.c's setup_realserver() and
make_ns() in Python (the plan carries the data, not the commands); change
both together."""

import os
import signal
import subprocess
import time

from mininet.net import Mininet
from mininet.nodelib import LinuxBridge

PYTHON = "/usr/bin/python3"


class WorldError(Exception):
    """A step of building the world failed; the message names where."""


def stop_process(proc, grace=3.0):
    """SIGTERM proc's process group (each started process leads its own),
    SIGKILL after grace seconds; never a group that is not its own."""
    if proc.poll() is not None:
        return
    try:
        own_group = os.getpgid(proc.pid) == proc.pid
    except ProcessLookupError:
        return
    send = (lambda sig: os.killpg(proc.pid, sig)) if own_group else proc.send_signal
    try:
        send(signal.SIGTERM)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        proc.wait(timeout=grace)
    except ProcessLookupError:
        pass


def root_run(where, argv):
    """argv in the root namespace to completion; WorldError naming where
    when it fails."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)
    if done.returncode != 0:
        raise WorldError("%s: %s: %s (exit %d)" % (where, " ".join(argv),
                                                   (done.stderr or done.stdout).strip(), done.returncode))


def host_run(host, argv, timeout=60):
    """argv in host's namespace to completion: (out, err, exit code). The
    process is stopped if this is interrupted or takes over timeout s."""
    proc = host.popen(argv, stdin=subprocess.DEVNULL, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        return "", "%s: no end after %d s" % (argv[0], timeout), -1
    finally:
        stop_process(proc)
    return out, err, proc.returncode


class MininetWorld:
    """Build with up(); stop() removes everything made, after any failure."""

    def __init__(self, plan, lvslab, workdir):
        self.plan = plan
        self.shape = plan["shape"]   # links as the scenario says (as lvslab emu up --shape)
        self.lvslab = lvslab
        self.workdir = workdir
        self.net = None
        self.hosts = {}           # scenario node name -> Mininet host
        self.procs = []           # (what, Popen), in start order
        self.nodes = {n["name"]: n for n in plan["nodes"]}

    # ---- names that must not exist yet ----

    def root_names(self):
        """The root-namespace devices this world makes: bridges and TAPs."""
        names = [n["bridge"] for n in self.plan["nodes"] if n["kind"] == "switch"]
        for l, link in enumerate(self.plan["links"]):
            port = link.get("director_port")
            if port:
                names += [port["tap"], port["bridge"]]
            if self.shape and self.link_delayed(link):
                names += self.delay_line_taps(l)
        return sorted(set(names))

    def check_names_free(self):
        """LinuxBridge deletes a bridge of its name when it starts: refuse
        to build over anything that exists already."""
        for name in self.root_names():
            if os.path.exists("/sys/class/net/" + name):
                raise WorldError("device %s exists already (another world under tag %s?); "
                                 "choose another --tag" % (name, self.plan["tag"]))

    # ---- the Mininet network ----

    def build_network(self):
        # Mininet.init() would raise machine-wide sysctls (tcp_rmem, ...)
        # that everyone else's namespaces inherit; a world this small needs
        # none of them.
        Mininet.inited = True
        self.net = Mininet(switch=LinuxBridge, controller=None, build=False,
                           autoSetMacs=False, waitConnected=False)
        switches = {}
        for node in self.plan["nodes"]:
            if node["kind"] == "switch":
                switches[node["name"]] = self.net.addSwitch(node["bridge"], cls=LinuxBridge)
            elif not node["director"]:
                self.hosts[node["name"]] = self.net.addHost(node["name"], ip=None)
        shaped = []               # (plan link, Mininet link) to put at the link's rate
        delayed = []              # (index, plan link, [(Mininet node, iface or None)] * 2)
        for l, link in enumerate(self.plan["links"]):
            ends = link["ends"]
            port = link.get("director_port")
            if port:
                # the director's TAP joins port["bridge"]: a switch's, or a
                # bridge of two ports made here, joined to the peer (a host,
                # or a switch when the link has a delay: emu/world.h)
                peer = ends[1] if self.nodes[ends[0]["node"]]["director"] else ends[0]
                if peer["node"] in switches and switches[peer["node"]].name == port["bridge"]:
                    continue
                bridge = self.net.addSwitch(port["bridge"], cls=LinuxBridge)
                mn_ends = [(bridge, None), (switches[peer["node"]], None) if peer["node"] in switches
                           else (self.hosts[peer["node"]], peer["iface"])]
            else:
                mn_ends = [(switches[e["node"]], None) if e["node"] in switches
                           else (self.hosts[e["node"]], e["iface"]) for e in ends]
            if self.shape and self.link_delayed(link):
                delayed.append((l, link, mn_ends))
                continue
            params = {"intfName%d" % (i + 1): iface for i, (_, iface) in enumerate(mn_ends) if iface}
            shaped.append((link, self.net.addLink(mn_ends[0][0], mn_ends[1][0], **params)))
        self.net.build()
        self.net.start()
        for l, link, mn_ends in delayed:
            self.make_delay_line(l, link, mn_ends)
        if self.shape:
            for link, mn_link in shaped:
                for intf in (mn_link.intf1, mn_link.intf2):
                    self.shape_device(intf.node, intf.name, link)

    @staticmethod
    def link_delayed(link):
        return bool(link["delay_ns"] or link["jitter_ns"] or link["loss"])

    def delay_line_taps(self, l):
        """As emu/world.c names a delay line's TAPs."""
        return ["ld%s%d%s" % (self.plan["tag"][:4], l % 10000, end) for end in "ab"]

    def make_delay_line(self, l, link, mn_ends):
        """As emu/world.c's make_delay_line(): `lvslab emu delay-line`
        between two TAPs, each moved to its end (into a host's namespace
        under the interface's name, or onto a bridge) and shaped there."""
        taps = self.delay_line_taps(l)
        self.spawn(None, "link %d delay line" % l,
                   [self.lvslab, "emu", "delay-line", taps[0], taps[1], "--delay", "%dns" % link["delay_ns"],
                    "--jitter", "%dns" % link["jitter_ns"], "--loss", repr(link["loss"]),
                    "--rate", "%dbps" % link["rate_bps"], "--seed", self.plan["seed"],
                    "--ends", ",".join("%s-%s" % (e["node"], e["iface"]) for e in link["ends"])])
        deadline = time.monotonic() + 5
        while not os.path.exists("/sys/class/net/" + taps[1]):
            if time.monotonic() > deadline:
                raise WorldError("%s: the delay line made no TAP %s within 5 s (see %s)"
                                 % (link["where"], taps[1], self.log_path("link %d delay line" % l)))
            time.sleep(0.05)
        for tap, (node, iface) in zip(taps, mn_ends):
            if iface:
                root_run(link["where"], ["ip", "link", "set", tap, "netns", str(node.pid)])
                self.run(node, "ip", "link", "set", tap, "name", iface)
                self.run(node, "ip", "link", "set", iface, "up")
                self.shape_device(node, iface, link)
            else:
                root_run(link["where"], ["ip", "link", "set", tap, "master", node.name])
                root_run(link["where"], ["ip", "link", "set", tap, "up"])
                self.shape_device(None, tap, link)

    # ---- link rates ----

    def shape_device(self, host, dev, link):
        """As emu/shape.c: an htb class at the link's rate on dev's egress,
        a pfifo as deep as its queue below it (Mininet's TCLink would add
        the queue with netem, which this kernel lacks, and ignores rates
        over 1 Gbit/s). host None: the root namespace."""
        if not link["rate_bps"]:
            return
        rate = "%dbit" % link["rate_bps"]
        for argv in (["tc", "qdisc", "add", "dev", dev, "root", "handle", "1:", "htb", "default", "1"],
                     ["tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:1", "htb",
                      "rate", rate, "ceil", rate],
                     ["tc", "qdisc", "add", "dev", dev, "parent", "1:1", "handle", "10:", "pfifo",
                      "limit", str(link["queue_pkts"] or 100)]):
            if host is None or not host.inNamespace:
                root_run(link["where"], argv)
            else:
                out, err, rc = host_run(host, argv)
                if rc != 0:
                    raise WorldError("%s: %s: %s (exit %d)" % (link["where"], " ".join(argv),
                                                               (err or out).strip(), rc))

    # ---- Linux set-up inside the hosts ----

    def run(self, host, *argv):
        out, err, rc = host_run(host, list(argv))
        if rc != 0:
            raise WorldError("%s: %s: %s (exit %d)" % (host.name, " ".join(argv),
                                                       (err or out).strip(), rc))
        return out

    def sysctl(self, host, key, value):
        self.run(host, "sysctl", "-qw", "%s=%s" % (key, value))

    def set_up_node(self, node):
        """As emu/world.c's make_ns() and add_addresses_and_routes()."""
        host = self.hosts[node["name"]]
        self.run(host, "ip", "link", "set", "lo", "up")
        self.sysctl(host, "net.ipv4.ip_forward", 1 if node["forward"] else 0)
        linked = [f["name"] for f in node["ifaces"] if f["link"] is not None]
        for knob in ("arp_ignore", "arp_announce", "rp_filter"):
            for dev in ["all", "default"] + linked:
                self.sysctl(host, "net.ipv4.conf.%s.%s" % (dev, knob), node[knob])
        for iface in node["ifaces"]:
            for cidr in iface["addrs"]:
                self.run(host, "ip", "addr", "add", cidr, "dev", iface["name"])
            if iface["link"] is not None:
                self.run(host, "ip", "link", "set", iface["name"], "up")
        for route in node["routes"]:
            if route["via"] is None:
                raise WorldError("%s: on-link route %s has no emulated form (give a via)"
                                 % (route["where"], route["to"]))
            if route.get("nexthops"):
                # ECMP: the kernel's own hash-threshold over these next hops
                self.sysctl(host, "net.ipv4.fib_multipath_hash_policy", route["hash_policy"])
                hops = []
                for gw in route["nexthops"]:
                    hops += ["nexthop", "via", gw]
                self.run(host, "ip", "route", "add", route["to"], *hops)
                continue
            self.run(host, "ip", "route", "add", route["to"], "via", route["via"])

    def arp_fix(self, host, node):
        """arp_ignore=1, arp_announce=2 on all and each linked interface
        (the kernel takes the larger): the VIP is not answered for."""
        for dev in ["all"] + [f["name"] for f in node["ifaces"] if f["link"] is not None]:
            self.sysctl(host, "net.ipv4.conf.%s.arp_ignore" % dev, 1)
            self.sysctl(host, "net.ipv4.conf.%s.arp_announce" % dev, 2)

    def wait_for_device(self, host, dev, seconds=5.0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if host_run(host, ["ip", "link", "show", dev])[2] == 0:
                return
            time.sleep(0.1)
        raise WorldError("%s: device %s did not appear within %.0f s" % (host.name, dev, seconds))

    def set_up_realserver(self, rs):
        """As emu/world.c's setup_realserver(): DR holds the VIP on lo, TUN on
        the userspace IP-in-IP endpoint's device; NAT's route via the
        director is in the plan's routes; FULLNAT needs nothing."""
        host, node = self.hosts[rs["node"]], self.nodes[rs["node"]]
        if rs["mode"] == "tun":
            self.spawn(host, "%s tun-endpoint" % rs["node"],
                       [self.lvslab, "emu", "tun-endpoint", rs["vip_dev"]])
            self.wait_for_device(host, rs["vip_dev"])
            self.sysctl(host, "net.ipv4.conf.all.rp_filter", 0)
            self.sysctl(host, "net.ipv4.conf.%s.rp_filter" % rs["vip_dev"], 0)
        if rs["vip_dev"]:
            self.run(host, "ip", "addr", "add", rs["vip"] + "/32", "dev", rs["vip_dev"])
            if rs["arp_fix"]:
                self.arp_fix(host, node)

    # ---- processes ----

    def log_path(self, what):
        return os.path.join(self.workdir, what.replace(" ", "-") + ".log")

    def spawn(self, host, what, argv):
        """argv in host's namespace (the root one when host is None), in a
        process group of its own, logging to the work directory."""
        with open(self.log_path(what), "w") as log:
            if host is None:
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
            else:
                proc = host.popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                  stderr=subprocess.STDOUT)
        self.procs.append((what, proc))
        return proc

    def start_server(self, server):
        if server["kind"] != "http":
            raise WorldError("%s: serve kind %s has no emulated server yet (http has)"
                             % (server["where"], server["kind"]))
        # bind 0.0.0.0: packets for the VIP arrive in DR and TUN mode
        self.spawn(self.hosts[server["node"]], "%s http" % server["node"],
                   [PYTHON, "-m", "http.server", str(server["port"]), "--bind", "0.0.0.0",
                    "--directory", self.workdir])

    def wait_for_servers(self, seconds=10.0):
        """Until every HTTP server listens on its port."""
        deadline = time.monotonic() + seconds
        for server in self.plan["servers"]:
            host = self.hosts[server["node"]]
            while ":%d " % server["port"] not in host_run(host, ["ss", "-Hltn"])[0]:
                if time.monotonic() > deadline:
                    raise WorldError("%s: nothing listens on port %d after %.0f s (see %s)"
                                     % (server["node"], server["port"], seconds,
                                        self.log_path("%s http" % server["node"])))
                time.sleep(0.1)

    def director_file(self, name, what):
        return os.path.join(self.workdir, "%s.%s" % (name, what))

    def start_director(self, director, seconds=5.0):
        """`lvslab emu director` in the root namespace, where the switches'
        bridges are; ready once its mark appears and its TAPs are on them."""
        name = director["node"]
        ready = self.director_file(name, "ready")
        argv = [self.lvslab, "emu", "director"] + self.plan["director_args"] + [
            "--tag", self.plan["tag"], "--node", name,
            "--status", self.director_file(name, "status"), "--ready", ready]
        proc = self.spawn(None, "%s director" % name, argv)
        deadline = time.monotonic() + seconds
        while not os.path.exists(ready):
            if proc.poll() is not None:
                raise WorldError("director %s exited at start: %s"
                                 % (name, self.tail("%s director" % name)))
            if time.monotonic() > deadline:
                raise WorldError("director %s was not ready within %.0f s" % (name, seconds))
            time.sleep(0.05)
        for link in self.plan["links"]:
            port = link.get("director_port")
            if port and name in (e["node"] for e in link["ends"]):
                master = os.path.realpath("/sys/class/net/%s/master" % port["tap"])
                if os.path.basename(master) != port["bridge"]:
                    raise WorldError("director %s: TAP %s is not on bridge %s"
                                     % (name, port["tap"], port["bridge"]))
                if self.shape:    # towards the director, as emu/world.c's shape_director()
                    self.shape_device(None, port["tap"], link)
        return proc

    def director_pid(self, name):
        for what, proc in self.procs:
            if what == "%s director" % name:
                return proc.pid
        raise WorldError("no director %s running" % name)

    def tail(self, what, lines=20):
        try:
            with open(self.log_path(what)) as f:
                return "".join(f.readlines()[-lines:]).strip()
        except OSError as e:
            return str(e)

    # ---- the whole ----

    def up(self):
        self.check_names_free()
        self.build_network()
        for node in self.plan["nodes"]:
            if node["name"] in self.hosts:
                self.set_up_node(node)
        for rs in self.plan["realservers"]:
            self.set_up_realserver(rs)
        for server in self.plan["servers"]:
            self.start_server(server)
        for director in self.plan["directors"]:
            self.start_director(director)
        self.wait_for_servers()

    def stop(self):
        """Processes in reverse order of start (the director first, so its
        pcaps are closed), then the Mininet network."""
        for _, proc in reversed(self.procs):
            stop_process(proc)
        self.procs = []
        if self.net is not None:
            self.net.stop()
            self.net = None

    def shell_pids(self):
        """The Mininet hosts' shells: their namespaces live as long as they do."""
        return [h.pid for h in self.hosts.values() if h.shell]
