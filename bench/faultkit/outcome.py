"""One row of the fault figures, and the checks every fault ends with: the outputs' bytes against
the uninterrupted reference, the user's files, and whether a failure said what happened in one
line."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from genrepipe.pipeline.scan import ADDRESS

from .project import Project

# `dvc status --json` of an up-to-date pipeline: stage scan (data/dvc.yaml), which lists the song
# folder at every `dvc repro` (always_changed), is the only stage named
UP_TO_DATE = {ADDRESS: ["always changed"]}


@dataclass
class Row:
    """Faults of one kind injected into one stage, and what came of them."""

    kind: str
    stage: str
    injected: int = 0
    identical: int = 0
    lost: int = 0
    unclear: int = 0
    repaired: int = 0  # re-runs that needed `genrepipe repair` first (DVC's own files damaged)
    leftover: int = 0  # re-runs after which a `.partial` folder stayed (`genrepipe repair` removes it)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def differences(project: Project, reference: dict[str, str]) -> list[str]:
    """Files that differ from the reference, are missing or are extra (leftovers)."""
    now = project.hashes()
    return sorted(path for path in reference.keys() | now.keys()
                  if reference.get(path) != now.get(path))


def check_rerun(project: Project, reference: dict[str, str], row: Row, args=("repro",)) -> bool:
    """Run `dvc repro` (or `args`) again after a fault: it must succeed, leave `dvc status`
    clean and give the reference's bytes; the user's files must all be there. Counts the result
    in `row`."""
    result = project.dvc(*args)
    if result.returncode != 0 and (repaired := project.repair()):
        row.repaired += 1
        row.note(f"DVC stopped on its own damaged file ({last_line(result.stderr)}); "
                 f"after `genrepipe repair` ({repaired[0][:60]}...) `dvc repro` ran")
        result = project.dvc(*args)
    if result.returncode != 0:
        row.unclear += 0 if clear_failure(result.stderr) else 1
        row.note(f"re-run failed: {last_line(result.stderr)}")
        return False
    if left := leftovers(project):
        row.leftover += 1
        row.note(f"left after the re-run: {left[0]}, removed by `genrepipe repair`")
        project.repair()
    lost = project.lost_user_files()
    row.lost += len(lost)
    if lost:
        row.note(f"lost or changed: {', '.join(lost[:3])}")
    diff = differences(project, reference)
    status = project.dvc("status", "--json").stdout
    if not diff and json.loads(status or "null") == UP_TO_DATE:
        row.identical += 1
        return True
    row.note(f"differs after re-run: {', '.join(diff[:3]) or status.strip()[:200]}")
    return False


def leftovers(project: Project) -> list[str]:
    """Half-written files or folders: `.partial` folders and atomic writes' temporary files."""
    return sorted(path for path in project.hashes() if ".partial/" in path or ".tmp-" in path)


GENREPIPE_ERROR = re.compile(r"^genrepipe [\w@.-]+: error: .+")


def genrepipe_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if GENREPIPE_ERROR.match(line)]


def clear_failure(stderr: str, *words: str) -> bool:
    """A failed stage said why in one line (`genrepipe <stage>: error: ...`, containing one of
    `words` when given) and printed no traceback."""
    lines = genrepipe_errors(stderr)
    if "Traceback" in stderr or len(lines) != 1:
        return False
    return not words or any(word in lines[0].lower() for word in words)


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "(no output)"
