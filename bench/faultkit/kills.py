"""SIGKILL `dvc repro` (its whole process group: DVC, the stage, its workers) at seeded random
moments while one stage runs, then run `dvc repro` again and compare every output's bytes.

A kill lands `uniform(0, d)` seconds after DVC prints "Running stage", `d` being the stage's
duration in the reference run (DVC's caching of the outputs and its lock file update included).
Even-numbered kills are followed by `dvc repro` (DVC's run cache may restore the killed stage's
outputs), odd ones by `dvc repro --no-run-cache` (the stage runs again, as it does when its
inputs are new).
"""

from __future__ import annotations

import random
import time

from .outcome import Row, check_rerun
from .project import Project


def kill_stage(project: Project, reference: dict[str, str], stage: str, duration: float,
               kills: int, rng: random.Random) -> Row:
    row = Row("kill (SIGKILL)", stage)
    for attempt in range(kills * 3):
        if row.injected == kills:
            break
        delay = rng.uniform(0, duration)
        running = project.start("repro", "--force", "--single-item", stage)
        started = running.wait_for_stage(stage, timeout=600)
        if started is None:
            running.wait()
            row.note(f"the stage did not start: {running.stderr[-1:] or running.stdout[-1:]}")
            continue
        time.sleep(max(0.0, started + delay - time.monotonic()))
        if not running.kill():  # ended before the kill: no fault, draw again
            row.note("some draws landed after the stage ended and were drawn again")
            continue
        rerun = ("repro",) if row.injected % 2 == 0 else ("repro", "--no-run-cache")
        row.injected += 1
        check_rerun(project, reference, row, rerun)
    return row
