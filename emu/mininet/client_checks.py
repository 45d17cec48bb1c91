"""What the clients of a Mininet world check through the VIP: a large file
fetched with curl arrives with the served file's sha256, and wrk for a
bounded time sees no socket error and no non-2xx answer. Also how many
requests each real server's http.server logged, and the director's
'ipvsadm -L -n' listing."""

import hashlib
import os
import re
import signal
import subprocess
import time

from mininet_world import host_run, stop_process


class CheckFailed(Exception):
    """A client's check did not hold; the message says which and why."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_served_file(workdir, megabytes):
    """A file of random bytes in the servers' directory; its name and sha256."""
    name = "big.bin"
    with open(os.path.join(workdir, name), "wb") as f:
        for _ in range(megabytes):
            f.write(os.urandom(1 << 20))
    return name, sha256_of(os.path.join(workdir, name))


def client_targets(plan, hosts):
    """(client name, its Mininet host, URL base) once per client node."""
    seen, targets = set(), []
    for c in plan["clients"]:
        if c["node"] not in seen:
            seen.add(c["node"])
            targets.append((c["node"], hosts[c["node"]], "http://%s:%d/" % (c["dst"], c["port"])))
    return targets


def curl_file(name, host, url, workdir, filename, want_sha256):
    """curl url+filename from host; (MB/s, ms to connect), or CheckFailed."""
    out_path = os.path.join(workdir, "%s-%s.out" % (name, filename))
    out, err, rc = host_run(host, ["curl", "-sSf", "--max-time", "30", "-o", out_path,
                               "-w", "%{speed_download} %{time_connect}", url + filename])
    if rc != 0:
        raise CheckFailed("%s: curl %s%s failed (exit %d): %s" % (name, url, filename, rc, err.strip()))
    got = sha256_of(out_path)
    os.unlink(out_path)
    if got != want_sha256:
        raise CheckFailed("%s: %s%s came through changed (sha256 %s, served %s)"
                          % (name, url, filename, got, want_sha256))
    speed, connect = out.split()
    return float(speed) / 1e6, float(connect) * 1e3


def run_wrk(targets, seconds):
    """wrk from every client at once for seconds; {client: requests}, or
    CheckFailed on a socket error, a non-2xx answer or no request at all."""
    procs = []
    try:
        for name, host, url in targets:
            argv = ["timeout", str(seconds + 15), "taskset", "-c", "0",
                    "wrk", "-t1", "-c8", "-d%ds" % seconds, url]
            procs.append((name, host.popen(argv, stdin=subprocess.DEVNULL, text=True)))
        outputs = [(name, proc.communicate(), proc.returncode) for name, proc in procs]
    finally:
        for _, proc in procs:
            stop_process(proc)
    results, failures = {}, []
    for name, (out, err), returncode in outputs:
        text = out + err
        done = re.search(r"(\d+) requests in", text)
        if returncode != 0 or not done:
            failures.append("%s: wrk did not finish (exit %d): %s" % (name, returncode, text.strip()))
        elif "Socket errors" in text or "Non-2xx" in text:
            failures.append("%s: wrk saw errors:\n%s" % (name, text.strip()))
        elif int(done.group(1)) == 0:
            failures.append("%s: wrk made no request" % name)
        else:
            results[name] = int(done.group(1))
    if failures:
        raise CheckFailed("\n".join(failures))
    return results


def served_requests(world):
    """{real server: requests its http.server has logged so far}."""
    counts = {}
    for server in world.plan["servers"]:
        with open(world.log_path("%s http" % server["node"])) as f:
            counts[server["node"]] = sum(1 for line in f if '"GET ' in line)
    return counts


def director_listing(world, name, seconds=2.0):
    """The director's listing, asked for with SIGUSR1."""
    status = world.director_file(name, "status")
    if os.path.exists(status):
        os.unlink(status)
    os.kill(world.director_pid(name), signal.SIGUSR1)
    deadline = time.monotonic() + seconds
    while not os.path.exists(status):
        if time.monotonic() > deadline:
            raise CheckFailed("director %s wrote no listing within %.0f s of SIGUSR1" % (name, seconds))
        time.sleep(0.05)
    with open(status) as f:
        return f.read()
