#!/usr/bin/env python3
"""Helpers of scripts/golden.sh (golden results, tests/golden/README.md).

  golden.py runs GOLDEN FRESH      every run of FRESH/results.json must appear,
                                   byte for byte, among GOLDEN's runs (the same
                                   mode and sweep value); exit 1 if one does not
  golden.py json-diff GOLDEN FRESH the first JSON paths whose values differ
  golden.py pcap-diff GOLDEN FRESH the first frame that differs (either file may
                                   be gzipped)
  golden.py figures RESULTS        the README's "make demo" figures, as the
                                   README writes them, from a full default run
  golden.py readme RESULTS README  exit 1 unless README quotes exactly those
                                   figures and its claims about them hold
"""
import gzip
import json
import re
import struct
import sys

SHOW = 8  # differences listed before "..."


def runs_text(path):
    """The text of each run of a results.json (lvslab writes one key per line,
    indented by one space a level): {(mode, sweep): text without its comma}."""
    lines = open(path, encoding="utf-8").read().split("\n")
    try:
        start = lines.index(' "runs": [')
    except ValueError:
        sys.exit("%s: no \"runs\" array where lvslab writes it" % path)
    blocks, cur = {}, None
    for line in lines[start + 1:]:
        if line.startswith(" ]"):
            break
        if line == "  {":
            cur = [line]
        elif line in ("  }", "  },"):
            cur.append("  }")
            text = "\n".join(cur)
            run = json.loads(text)
            blocks[(run["mode"], json.dumps(run.get("sweep"), sort_keys=True))] = text
            cur = None
        elif cur is not None:
            cur.append(line)
    return blocks


def paths_differing(a, b, path=""):
    """Yield (path, a, b) for each leaf where a and b differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            yield from paths_differing(a.get(k, "<absent>"), b.get(k, "<absent>"), "%s.%s" % (path, k))
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            yield from paths_differing(a[i] if i < len(a) else "<absent>",
                                       b[i] if i < len(b) else "<absent>", "%s[%d]" % (path, i))
    elif a != b or type(a) is not type(b):
        yield path or ".", a, b


def name_runs(doc):
    """runs[i] -> runs[i](mode servers=N) in paths, to read them at a glance."""
    names = {}
    for i, r in enumerate(doc.get("runs", [])):
        sweep = " ".join("%s=%g" % kv for kv in (r.get("sweep") or {}).items())
        names[i] = "(%s%s)" % (r.get("mode"), " " + sweep if sweep else "")
    return names


def json_diff(golden, fresh, prefix=""):
    g, f = json.loads(golden), json.loads(fresh)
    names = name_runs(g)
    diffs = list(paths_differing(g, f))
    if not diffs:
        print("  same values, other bytes (number formatting or key order)")
    for path, a, b in diffs[:SHOW]:
        m = re.match(r"\.runs\[(\d+)\]", path)
        if m and int(m.group(1)) in names:
            path = path[:m.end()] + names[int(m.group(1))] + path[m.end():]
        print("  %s%s: golden %s, now %s" % (prefix, path, json.dumps(a), json.dumps(b)))
    if len(diffs) > SHOW:
        print("  ... %d differing values in all" % len(diffs))


def cmd_runs(golden_path, fresh_path):
    golden, fresh = runs_text(golden_path), runs_text(fresh_path)
    bad = 0
    for key, text in fresh.items():
        label = "%s %s" % (key[0], key[1])
        if key not in golden:
            print("%s: run %s not in the golden record" % (golden_path, label))
            bad += 1
        elif golden[key] != text:
            print("%s: run %s differs:" % (golden_path, label))
            json_diff(golden[key], text, prefix="run")
            bad += 1
        else:
            print("%s: run %s identical" % (golden_path, label))
    return 1 if bad or not fresh else 0


def read_pcap(path):
    """(file header, [(time in s as text, original length, frame bytes)])."""
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    data = opener(path, "rb").read()
    if len(data) < 24:
        return data, []
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(data)
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = data[:4] in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    frames, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        when = ("%d.%09d" if nano else "%d.%06d") % (sec, frac)
        frames.append((when, orig, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:24], frames


def read_pcapng(data):
    """read_pcap of a pcapng file: the header is the blocks before the first
    packet; times in the units of if_tsresol (lvslab writes nanoseconds)."""
    endian = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    frames, off, header, units = [], 0, b"", 10 ** 6
    while off + 12 <= len(data):
        kind, total = struct.unpack(endian + "II", data[off:off + 8])
        if total < 12:
            break
        block = data[off:off + total]
        if kind == 1:
            o = 16
            while o + 4 <= total - 4:
                code, length = struct.unpack(endian + "HH", block[o:o + 4])
                if code == 0:
                    break
                if code == 9 and length >= 1 and block[o + 4] < 128:
                    units = 10 ** block[o + 4]
                o += 4 + (length + 3) // 4 * 4
        if kind == 6:
            hi, lo, incl, orig = struct.unpack(endian + "IIII", block[12:28])
            ticks = hi << 32 | lo
            digits = len(str(units)) - 1
            frames.append(("%d.%0*d" % (ticks // units, digits, ticks % units), orig, block[28:28 + incl]))
        elif not frames:
            header += block
        off += total
    return header, frames


def cmd_pcap_diff(golden, fresh):
    gh, gf = read_pcap(golden)
    fh, ff = read_pcap(fresh)
    if gh != fh:
        print("  file headers differ")
    n = min(len(gf), len(ff))
    i = next((i for i in range(n) if gf[i] != ff[i]), None)
    if i is None:
        print("  the first %d frames agree" % n)
    else:
        (gt, gl, gb), (ft, fl, fb) = gf[i], ff[i]
        at = next((j for j in range(min(len(gb), len(fb))) if gb[j] != fb[j]), min(len(gb), len(fb)))
        print("  first differing frame: %d; golden at %s s, %d bytes; now at %s s, %d bytes; "
              "first differing byte at offset %d" % (i + 1, gt, gl, ft, fl, at))
        print("  see both with: tshark -r FILE -Y 'frame.number == %d' -V" % (i + 1))
    if len(gf) != len(ff):
        print("  frames: golden %d, now %d" % (len(gf), len(ff)))


# The README's "make demo" paragraph quotes, from the full default run: the
# peak goodput of NAT and FULLNAT over the sweep and their bound there, to a
# tenth of a Mbit/s; DR's goodput and bound at each number of servers, to
# one Mbit/s.
def figures(results_path):
    d = json.load(open(results_path, encoding="utf-8"))
    runs = d["runs"]

    def of(mode):
        rs = sorted((r for r in runs if r["mode"] == mode), key=lambda r: r["sweep"]["servers"])
        if not rs:
            sys.exit("%s: no %s runs" % (results_path, mode))
        return rs

    def peak(mode):
        return max(of(mode), key=lambda r: r["goodput_mbps"])

    nat, fnat = peak("nat"), peak("fullnat")
    dr = of("dr")
    text = ("With seed %d, NAT and FULLNAT stop at the director's 1 Gbit/s NIC (%.1f and %.1f Mbit/s "
            "against analytic bounds of %.1f and %.1f) whatever the number of servers; DR and TUN grow "
            "with them (DR %s Mbit/s against bounds of %s)."
            % (d["lvslab"]["seed"], nat["goodput_mbps"], fnat["goodput_mbps"],
               nat["bound"]["goodput_mbps"], fnat["bound"]["goodput_mbps"],
               ", ".join("%.0f" % r["goodput_mbps"] for r in dr),
               ", ".join("%.0f" % r["bound"]["goodput_mbps"] for r in dr)))
    return d, text


def claims(d):
    """What the sentence says besides its numbers; a list of the ones that fail."""
    bad = []
    sc = d["scenario"]
    sweep = {k: sc["sweep"][k] for k in ("param", "values")} if sc["sweep"] else None
    if (sc["file"], sc["modes"], sweep) != (
            "scenarios/compare-modes.lua", ["nat", "tun", "dr", "fullnat"],
            {"param": "servers", "values": [1.0, 2.0, 4.0, 8.0]}) or sc["duration_s"] != 2.0:
        bad.append("the record is not the full default run of scenarios/compare-modes.lua")
    for mode in ("nat", "fullnat"):
        rs = [r for r in d["runs"] if r["mode"] == mode]
        if any(r["bound"]["limited_by"] != "director NIC" for r in rs):
            bad.append("%s: a bound not set by the director's NIC" % mode)
        g = [r["goodput_mbps"] for r in rs]
        if max(g) > 1.01 * min(g):
            bad.append("%s: goodput moves with the servers (%s)" % (mode, g))
    for mode in ("dr", "tun"):
        g = [r["goodput_mbps"] for r in sorted((r for r in d["runs"] if r["mode"] == mode),
                                               key=lambda r: r["sweep"]["servers"])]
        if any(b <= a for a, b in zip(g, g[1:])):
            bad.append("%s: goodput does not grow with the servers (%s)" % (mode, g))
    return bad


def cmd_readme(results_path, readme_path):
    d, text = figures(results_path)
    readme = " ".join(open(readme_path, encoding="utf-8").read().split())
    bad = claims(d)
    if text not in readme:
        bad.append("%s does not quote the golden figures; it should read:\n  %s" % (readme_path, text))
    for b in bad:
        print(b)
    if not bad:
        print("%s quotes %s: %s" % (readme_path, results_path, text))
    return 1 if bad else 0


def main(argv):
    if len(argv) == 3 and argv[0] == "runs":
        return cmd_runs(argv[1], argv[2])
    if len(argv) == 3 and argv[0] == "json-diff":
        json_diff(open(argv[1], encoding="utf-8").read(), open(argv[2], encoding="utf-8").read())
        return 0
    if len(argv) == 3 and argv[0] == "pcap-diff":
        cmd_pcap_diff(argv[1], argv[2])
        return 0
    if len(argv) == 2 and argv[0] == "figures":
        print(figures(argv[1])[1])
        return 0
    if len(argv) == 3 and argv[0] == "readme":
        return cmd_readme(argv[1], argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
