"""Run one command and report its wall time, CPU time and peak RSS as JSON.

    python -S benchmarks/_measure.py STDOUT_FILE STDERR_FILE COMMAND...

run.py starts every contender through this small process rather than directly:
on Linux a child's ``ru_maxrss`` never drops below the resident size of the
process it was started from (``fork`` copies it; ``vfork``/``posix_spawn`` even
carry over the parent's peak through ``exec``), and run.py itself is far larger
than this starter. Only the standard library's built-in modules are used, so it
runs with ``python -S`` in a few MiB.
"""

import os
import sys
import time


def main() -> None:
    """Start the command, wait for it, print one JSON object."""
    out_path, err_path, *command = sys.argv[1:]
    out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, out, 1),
        (os.POSIX_SPAWN_DUP2, err, 2),
    ]
    start = time.perf_counter()
    pid = os.posix_spawn(command[0], command, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    print(
        '{"seconds": %r, "cpu_seconds": %r, "maxrss_kib": %d, "exit_code": %d}'  # noqa: UP031
        % (
            seconds,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss,
            os.waitstatus_to_exitcode(status),
        )
    )


if __name__ == "__main__":
    main()
