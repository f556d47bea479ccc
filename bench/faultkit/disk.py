"""A full disk inside a writing stage: the stage's processes get a file size limit
(RLIMIT_FSIZE) below the size of a file it writes, so a write fails with EFBIG part-way, as on a
full disk (ENOSPC takes the same path through genrepipe). Checks: the stage fails with one line
saying the disk is full, DVC still sees the stage as not done, nothing half-written is left, and
`dvc repro` without the limit gives the reference's bytes.
"""

from __future__ import annotations

import resource

from .limits import limit_stage, script_of
from .outcome import Row, check_rerun, clear_failure, last_line, leftovers
from .project import Project

TIMEOUT = 600


def largest_output_file(project: Project, stage: str) -> int:
    sizes = [0]
    for out in project.stage_outputs()[stage]:
        path = project.path / out
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        sizes += [f.stat().st_size for f in files]
    return max(sizes)


def fill_disk(project: Project, reference: dict[str, str], stage: str, limits: list[int]) -> Row:
    row = Row("disk full (RLIMIT_FSIZE)", stage)
    for limit in limits:
        running = project.start("repro", "--force", "--single-item", stage)
        limit_stage(running, script_of(stage), resource.RLIMIT_FSIZE, limit)
        code = running.wait(TIMEOUT)
        stderr = "\n".join(running.stderr)
        row.injected += 1
        if code == 0:
            row.note(f"a {limit} B limit was not reached")
            check_rerun(project, reference, row)
            continue
        if not clear_failure(stderr, "disk full"):
            row.unclear += 1
            row.note(f"unclear failure at {limit} B: {last_line(stderr)}")
        if stage not in project.dvc("status").stdout:
            row.note(f"at {limit} B DVC took the failed stage's outputs as finished")
            row.lost += 1
        if left := leftovers(project):
            row.note(f"left after the failure: {', '.join(left[:3])}")
        check_rerun(project, reference, row)
    return row
