"""Resource limits on a stage's own processes, set from outside while DVC runs it.

The limit goes on the processes of the command's group whose command line names the stage
script (`stages/<kind>.py`: the shell DVC starts and the Python it runs), as soon as they
appear, with `prlimit`; worker processes they start later inherit it. DVC itself is not
limited: a full disk that also breaks DVC's own database writes is DVC's failure, not genrepipe's.
Python ignores SIGXFSZ, so a write past RLIMIT_FSIZE fails with EFBIG instead of killing the
process.
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path

from .project import Running


def limit_stage(running: Running, script: str, limit: int, amount: int) -> threading.Thread:
    """Apply resource `limit` (e.g. `resource.RLIMIT_FSIZE`) = `amount` to every process of
    `running`'s group whose command line contains `script`, until the command ends."""
    def watch() -> None:
        done: set[int] = set()
        while running.proc.poll() is None:
            for pid in _group(running.proc.pid) - done:
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                    if script.encode() in cmdline:
                        resource.prlimit(pid, limit, (amount, amount))
                        done.add(pid)
                except (OSError, ValueError):  # ended meanwhile
                    pass
            threading.Event().wait(0.005)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _group(pgid: int) -> set[int]:
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    pids.add(int(entry))
            except OSError:
                pass
    return pids


def script_of(stage: str) -> str:
    """`train@cnn2d-mel` -> `stages/train.py`."""
    return f"stages/{stage.split('@')[0]}.py"
