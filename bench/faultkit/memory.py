"""A memory limit (RLIMIT_AS, the address space `ulimit -v` limits) on a transform and a Keras
training stage, from small to comfortable: each must either succeed with the reference's bytes
or fail with one line saying memory ran out, within a timeout (a hang counts as unclear).

Address space is not memory in use: the transform's libraries (NumPy, SciPy, librosa, numba)
need about 600 MB of it just to load, and TensorFlow reserves room for its thread pools' stacks
and malloc arenas: 2.4 GB for a model of a few hundred parameters with glibc's default arenas,
1.5 GB with genrepipe's cap under a limit (genrepipe.core.limits). The limits below are chosen on
each side of those figures.
"""

from __future__ import annotations

import resource
import subprocess

from .limits import limit_stage, script_of
from .outcome import Row, check_rerun, clear_failure, last_line
from .project import Project

TIMEOUT = 600
MB = 1 << 20


def limit_memory(project: Project, reference: dict[str, str], stage: str, limits_mb: list[int]) -> Row:
    row = Row("memory limit (RLIMIT_AS)", stage)
    for limit in limits_mb:
        running = project.start("repro", "--force", "--single-item", stage)
        limit_stage(running, script_of(stage), resource.RLIMIT_AS, limit * MB)
        row.injected += 1
        try:
            code = running.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            running.kill()
            row.unclear += 1
            row.note(f"{limit} MB: no end after {TIMEOUT} s (hang)")
            check_rerun(project, reference, row)
            continue
        stderr = "\n".join(running.stderr)
        if code == 0:
            row.note(f"{limit} MB: ran")
        elif clear_failure(stderr, "memory"):
            row.note(f"{limit} MB: one-line out-of-memory error")
        else:
            row.unclear += 1
            row.note(f"{limit} MB: unclear failure: {last_line(stderr)}")
        check_rerun(project, reference, row)
    return row
