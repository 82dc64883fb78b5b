#!/usr/bin/env python3
"""Does a process cost more CPU when another one runs beside it? Alone vs two at once, paired.

  together-cpu.py ROUNDS 'label' 'command' ['label' 'command' ...]

For each command, each round runs it once alone, then two copies at once (A B A B ..., the
order of the two swapped every other round), each with stdout to /dev/null, and takes every
process's CPU time (user + system, from wait4's rusage: the whole process, all its threads)
and, every 20 ms from /proc/<pid>/task/*/stat, its busiest thread's CPU (the packet loop of
`ndpiReader -i` or of `flowprobe analyze -w 1`'s worker). On a machine with two cores that
share nothing but the memory bus, a copy run beside another costs the same CPU as alone; if
the two vCPUs are SMT siblings of one host core, or share a saturated L3 or memory bandwidth,
each copy costs more. Prints per command: median and min-max of the CPU alone, of each copy
together, and of the ratio together / alone per round; the load average before and after.

Example (docs/capture-files.md, "Where the time goes with two workers"):
  python3 appliance/bench/together-cpu.py 5 \\
    ndpiReader "ndpiReader -i ~/.cache/flowprobe/bench/real-mix.pcap" \\
    analyze-w1 "node appliance/bin/flowprobe.js analyze ~/.cache/flowprobe/bench/real-mix.pcap -w 1"
"""
import os
import signal
import statistics
import subprocess
import sys
import time

TCK = os.sysconf("SC_CLK_TCK")


def run(cmd: str, copies: int):
    """Starts `copies` copies of cmd at once; returns [(whole-process CPU s, busiest thread CPU s, wall s)]."""
    procs = []
    t0 = time.monotonic()
    for _ in range(copies):
        procs.append(subprocess.Popen(["/bin/sh", "-c", "exec " + cmd], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True))
    busiest = [dict() for _ in procs]
    done: dict[int, tuple[float, float]] = {}
    try:
        while len(done) < len(procs):
            for i, p in enumerate(procs):
                if i in done:
                    continue
                try:
                    for t in os.listdir(f"/proc/{p.pid}/task"):
                        try:
                            s = open(f"/proc/{p.pid}/task/{t}/stat").read()
                        except OSError:
                            continue
                        f = s[s.rindex(")") + 2:].split()
                        busiest[i][t] = (int(f[11]) + int(f[12])) / TCK
                except OSError:
                    pass
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                if pid == p.pid:
                    if os.waitstatus_to_exitcode(status) != 0:
                        raise RuntimeError(f"`{cmd}` failed with {os.waitstatus_to_exitcode(status)}")
                    done[i] = (ru.ru_utime + ru.ru_stime, time.monotonic() - t0)
            time.sleep(0.02)
    finally:
        for i, p in enumerate(procs):
            if i not in done:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait()
    return [(done[i][0], max(busiest[i].values(), default=0.0), done[i][1]) for i in range(len(procs))]


def fmt(xs):
    return f"{statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})"


def main() -> int:
    args = sys.argv[1:]
    if len(args) < 3 or len(args[1:]) % 2:
        sys.stderr.write(__doc__)
        return 2
    rounds = int(args[0])
    pairs = list(zip(args[1::2], args[2::2]))
    load = lambda: " ".join(open("/proc/loadavg").read().split()[:3])  # noqa: E731
    print(f"load before: {load()}  ({time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())})", flush=True)
    res = {label: {"alone": [], "together": [], "ratio": [], "ratio_thread": []} for label, _ in pairs}
    for r in range(rounds):
        for label, cmd in pairs:
            order = (1, 2) if r % 2 == 0 else (2, 1)
            got = {}
            for copies in order:
                got[copies] = run(cmd, copies)
                shown = ", ".join(f"CPU {c:.2f} s (thread {b:.2f}) wall {w:.2f} s" for c, b, w in got[copies])
                print(f"  round {r + 1} {label} x{copies}: {shown}", flush=True)
            a = got[1][0]
            res[label]["alone"].append(a)
            for t in got[2]:
                res[label]["together"].append(t)
                res[label]["ratio"].append(t[0] / a[0])
                res[label]["ratio_thread"].append(t[1] / a[1] if a[1] else 0.0)
    print(f"load after: {load()}  ({time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())})")
    for label, _ in pairs:
        d = res[label]
        print(f"{label}: process CPU alone {fmt([x[0] for x in d['alone']])} s, together (each) {fmt([x[0] for x in d['together']])} s, "
              f"ratio {fmt(d['ratio'])}; busiest thread alone {fmt([x[1] for x in d['alone']])} s, "
              f"together {fmt([x[1] for x in d['together']])} s, ratio {fmt(d['ratio_thread'])}; "
              f"wall alone {fmt([x[2] for x in d['alone']])} s, together {fmt([x[2] for x in d['together']])} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
