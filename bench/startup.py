#!/usr/bin/env python3
"""Start-to-exit time of `divert decide` beside the process floor `divert --version`.

    python3 bench/startup.py DIVERT [RUNS]

Both commands run alternately (version, decide, version, decide, ...) so that a busy machine
slows both alike; each run's wall time and CPU time (user + system, from wait4) are kept.
decide reads wa-whatcom and examples/wa-whatcom-possession.yaml from a warm tree cache (a
throw-away XDG_CACHE_HOME, filled by the warm-ups). Prints, in milliseconds:

    version_wall decide_wall wall_ratio version_cpu decide_cpu cpu_ratio

each a median over RUNS runs (after 5 warm-ups of each).
"""
import os
import statistics
import sys
import tempfile
import time


def one_run(argv, env):
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter() - start) * 1000
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2, 3):
        sys.exit(f"{' '.join(argv)}: exit status {code}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    divert = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    commands = [[divert, "--version"],
                [divert, "decide", "--policy", "wa-whatcom", "--answers",
                 os.path.join(root, "examples", "wa-whatcom-possession.yaml")]]
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, XDG_CACHE_HOME=home)
        env.pop("DIVERT_NO_CACHE", None)
        for _ in range(5):
            for argv in commands:
                one_run(argv, env)
        times = [[], []]
        for _ in range(runs):
            for i, argv in enumerate(commands):
                times[i].append(one_run(argv, env))
    wall = [statistics.median(t[0] for t in ts) for ts in times]
    cpu = [statistics.median(t[1] for t in ts) for ts in times]
    print(f"{wall[0]:.2f} {wall[1]:.2f} {wall[1] / wall[0]:.2f} "
          f"{cpu[0]:.2f} {cpu[1]:.2f} {cpu[1] / cpu[0]:.2f}")


if __name__ == "__main__":
    main()
