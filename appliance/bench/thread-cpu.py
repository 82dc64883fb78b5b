#!/usr/bin/env python3
"""Where a `flowprobe analyze` run spends its CPU, thread by thread, paired in one run.

  thread-cpu.py ROUNDS 'label A' 'command A' 'label B' 'command B' ...

Runs the commands in turn (A B A B ...), ROUNDS rounds, each with stdout to /dev/null, and
samples /proc/<pid>/task/*/stat every 20 ms, so each thread's CPU time (user + system) is its
last value before it exited. Prints, per run, the summary's `elapsed_s` and `packets_per_s`
(the packet pass: start to the last packet counted, before the flows are printed) and the CPU
of each thread of more than 0.3 s, in order of creation (the main thread first; V8's helper
threads, then the workers and, with several workers, the file reader thread last). Per
command: median and min-max of elapsed_s and of the CPU of the packet pass's threads (the
workers and the reader, see `pass_cpu`). The load average before and after is printed: CPU time per thread holds on a
loaded machine where wall time does not.

Example (docs/capture-files.md, "Where the time goes with two workers"):
  python3 appliance/bench/thread-cpu.py 5 \\
    1w "node appliance/bin/flowprobe.js analyze bench-data/large.pcap -w 1 --no-dpi --flow-capacity 524288 --host-capacity 131072" \\
    2w "node appliance/bin/flowprobe.js analyze bench-data/large.pcap -w 2 --no-dpi"
"""
import json
import os
import statistics
import subprocess
import sys
import time

TCK = os.sysconf("SC_CLK_TCK")


def sample(cmd: str):
    """Runs cmd; returns (summary dict, [(tid, cpu s, user s)] in tid order)."""
    p = subprocess.Popen(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    threads: dict[int, tuple[float, float]] = {}
    node_pid = None
    while p.poll() is None:
        if node_pid is None:
            # The shell's child: the node process (or the shell itself when it exec'd).
            try:
                kids = open(f"/proc/{p.pid}/task/{p.pid}/children").read().split()
                node_pid = int(kids[0]) if kids else None
            except OSError:
                pass
            if node_pid is None and open(f"/proc/{p.pid}/comm").read().strip() == "node":
                node_pid = p.pid
        if node_pid is not None:
            try:
                for t in os.listdir(f"/proc/{node_pid}/task"):
                    try:
                        s = open(f"/proc/{node_pid}/task/{t}/stat").read()
                    except OSError:
                        continue
                    f = s[s.rindex(")") + 2:].split()
                    threads[int(t)] = ((int(f[11]) + int(f[12])) / TCK, int(f[11]) / TCK)
            except OSError:
                pass
        time.sleep(0.02)
    err = p.stderr.read().decode(errors="replace") if p.stderr else ""
    if p.returncode != 0:
        sys.stderr.write(f"thread-cpu: `{cmd}` failed with {p.returncode}:\n{err}\n")
        sys.exit(1)
    summary = json.loads(err.strip().split("\n")[-1])
    return summary, [(t, c, u) for t, (c, u) in sorted(threads.items())]


def pass_cpu(threads, workers: int) -> float:
    """CPU of the threads that read packets: the workers and, with more than one, the file
    reader thread. Node names no thread, so they are taken as the busiest threads but the main
    thread (V8's helper threads use less: GC and compilation)."""
    n = workers + (1 if workers > 1 else 0)
    return sum(sorted((c for _, c, _ in threads[1:]), reverse=True)[:n])


def main() -> int:
    args = sys.argv[1:]
    if len(args) < 3 or len(args[1:]) % 2:
        sys.stderr.write(__doc__)
        return 2
    rounds = int(args[0])
    pairs = list(zip(args[1::2], args[2::2]))
    load = lambda: " ".join(open("/proc/loadavg").read().split()[:3])  # noqa: E731
    print(f"load before: {load()}  ({time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())})", flush=True)
    res: dict[str, list] = {label: [] for label, _ in pairs}
    for r in range(rounds):
        for label, cmd in pairs:
            summary, threads = sample(cmd)
            res[label].append((summary["elapsed_s"], pass_cpu(threads, summary["workers"])))
            shown = " ".join(f"{c:.2f}(u{u:.2f})" for _, c, u in threads if c > 0.3)
            print(f"  round {r + 1} {label}: elapsed_s {summary['elapsed_s']}, {summary['packets_per_s']} packets/s, "
                  f"flows {summary['flows']}, unaccounted {summary['unaccounted_packets']}; threads > 0.3 s CPU: {shown}", flush=True)
    print(f"load after: {load()}")
    for label, _ in pairs:
        e = [x[0] for x in res[label]]
        c = [x[1] for x in res[label]]
        print(f"{label}: elapsed_s median {statistics.median(e):.2f} ({min(e):.2f}-{max(e):.2f}); "
              f"CPU of the packet pass's threads median {statistics.median(c):.2f} s ({min(c):.2f}-{max(c):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
