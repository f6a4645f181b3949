#!/usr/bin/env python3
"""Time from starting `divert screen` on a terminal to the first question on screen.

    python3 bench/first_question.py DIVERT [RUNS]

Runs the walk-through in a pseudo-terminal (the demo configuration, in a throw-away
XDG_STATE_HOME), reads until "Question 1 of" appears, ends it with Ctrl-D, and prints the
median and range in milliseconds over RUNS runs (after 3 warm-ups).
"""
import os
import pty
import select
import statistics
import sys
import tempfile
import time


def one_run(divert, home):
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ, XDG_STATE_HOME=home + "/state", XDG_CONFIG_HOME=home + "/config",
                   XDG_CACHE_HOME=home + "/cache", NO_COLOR="1", TERM="xterm")
        os.execve(divert, [divert, "screen", "--demo"], env)
    start = time.perf_counter()
    seen = b""
    elapsed = None
    while elapsed is None:
        ready, _, _ = select.select([fd], [], [], 10)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if b"Question 1 of" in seen:
            elapsed = (time.perf_counter() - start) * 1000
    os.write(fd, b"\x04")
    os.waitpid(pid, 0)
    os.close(fd)
    if elapsed is None:
        sys.exit("no first question seen:\n" + seen.decode(errors="replace"))
    return elapsed


def main():
    divert = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with tempfile.TemporaryDirectory() as home:
        for _ in range(3):
            one_run(divert, home)
        times = [one_run(divert, home) for _ in range(runs)]
    print(f"{statistics.median(times):.2f} {min(times):.2f} {max(times):.2f}")


if __name__ == "__main__":
    main()
