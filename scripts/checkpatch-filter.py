#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Filter checkpatch --terse --show-types output through an allowlist.

Each allowlist line (tab-separated): path, TYPE, regex, reason. A finding
"path:line: LEVEL:TYPE: message" is allowed when path and TYPE are equal and
the regex matches the flagged source line. Allowed findings are printed as
"allowed: ..." with the reason; everything else is printed unchanged, so the
caller counts what remains. The totals lines checkpatch prints are dropped.
"""
import re
import sys


def main():
    allow = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for raw in f:
            if not raw.strip() or raw.startswith("#"):
                continue
            path, typ, regex, reason = raw.rstrip("\n").split("\t", 3)
            allow.append((path, typ, re.compile(regex), reason))
    cache = {}
    pat = re.compile(r"^(\S+?):(\d+): (ERROR|WARNING|CHECK):(\w+): (.*)$")
    for line in sys.stdin:
        m = pat.match(line.rstrip("\n"))
        if not m:
            if line.startswith("total:") or not line.strip():
                continue
            sys.stdout.write(line)
            continue
        path, num, _lvl, typ, _msg = m.groups()
        if path not in cache:
            try:
                with open(path, encoding="utf-8") as src:
                    cache[path] = src.read().split("\n")
            except OSError:
                cache[path] = []
        src = cache[path]
        text = src[int(num) - 1] if 0 < int(num) <= len(src) else ""
        why = next((a[3] for a in allow
                    if a[0] == path and a[1] == typ and a[2].search(text)), None)
        if why:
            sys.stdout.write("allowed: %s (%s)\n" % (line.rstrip("\n"), why))
        else:
            sys.stdout.write(line)


if __name__ == "__main__":
    main()
