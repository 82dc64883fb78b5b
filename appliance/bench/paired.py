#!/usr/bin/env python3
"""Paired whole-process timing: runs every command once per round, in turn
(A B C A B C ...), ROUNDS rounds, and prints for each command its wall time
(median, min-max) and CPU time (user + sys of the process and its children),
and for each command after the first its ratio to the first, round by round
(median and min-max of the per-round ratios). Commands that alternate share
the machine's load in the same way, so the ratios hold on a busy machine
where the absolute times do not.

  paired.py [--ratio 'label X/label Y' ...] ROUNDS 'label A' 'command A' 'label B' 'command B' ...

--ratio adds the per-round wall-time ratio of two other commands (e.g. 1 worker
over 2 workers: the speed-up).

Each command runs through /bin/sh with stdout and stderr to /dev/null; a
failing command stops the benchmark (exit 1, its stderr shown). One warm-up
run of each command comes first (page cache, JIT caches) and is not counted.
Output lines start with the label, so they can be grepped; the machine, its
load average before and after, and the time are printed first and last.
"""
import os
import statistics
import subprocess
import sys
import time


def run(cmd: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys) of one run of cmd."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(f"paired: `{cmd}` failed with {proc.returncode}:\n{err}\n")
        sys.exit(1)
    return wall, usage.ru_utime + usage.ru_stime


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_model() -> str:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def main() -> int:
    args = sys.argv[1:]
    extra = []
    while len(args) >= 2 and args[0] == "--ratio":
        extra.append(tuple(args[1].split("/", 1)))
        args = args[2:]
    if len(args) < 3 or (len(args) - 1) % 2 != 0:
        sys.stderr.write(__doc__)
        return 2
    rounds = int(args[0])
    pairs = list(zip(args[1::2], args[2::2]))
    labels = [label for label, _ in pairs]
    for num, den in extra:
        if num not in labels or den not in labels:
            sys.stderr.write(f"paired: --ratio {num}/{den}: no such label\n")
            return 2
    print(f"# {os.cpu_count()} x {cpu_model()}; load average {load()} at {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; "
          f"{rounds} rounds, commands alternated")
    for _, cmd in pairs:
        run(cmd)
    walls = [[] for _ in pairs]
    cpus = [[] for _ in pairs]
    for _ in range(rounds):
        for i, (_, cmd) in enumerate(pairs):
            w, c = run(cmd)
            walls[i].append(w)
            cpus[i].append(c)
    width = max(len(label) for label, _ in pairs)
    for i, (label, _) in enumerate(pairs):
        w = walls[i]
        c = cpus[i]
        line = (f"{label:<{width}}  wall {statistics.median(w):7.3f} s ({min(w):.3f}-{max(w):.3f})"
                f"  cpu {statistics.median(c):7.3f} s ({min(c):.3f}-{max(c):.3f})")
        if i > 0:
            ratios = [a / b for a, b in zip(w, walls[0])]
            line += f"  wall / {pairs[0][0]}: {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
        print(line)
    for num, den in extra:
        a, b = walls[labels.index(num)], walls[labels.index(den)]
        ratios = [x / y for x, y in zip(a, b)]
        print(f"{num} / {den}: wall ratio {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})")
    print(f"# load average {load()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
