"""`genrepipe repair`: remove what an interrupted `dvc repro` can leave behind: DVC files it cannot
read, and stages' `.partial` folders.

DVC (3.67) rewrites `dvc.lock` (and `data/dvc.lock`, at every `dvc repro`) and `.dvc/tmp/rwlock` in
place: the file is emptied, then written. A kill, a power cut or a full disk at that moment leaves
a file DVC cannot read, and every later `dvc` command stops on it (seen in `make faults` runs).
Both can go: the rwlock only lists DVC commands running now, and without dvc.lock `dvc repro` finds
each stage that already ran with the same inputs in DVC's run cache and restores its outputs
instead of running it again. Readable files are never touched.

A killed stage leaves its output under `<name>.partial`; the stage clears it when it runs again,
but when DVC restores the stage from its run cache instead, the folder stays (measured by
`make faults`). It is removed here when no stage of the project is running.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .store import PARTIAL_SUFFIX
from .workspace import alive_stages

LOCK = Path("dvc.lock")
LOCKS = (LOCK, Path("data", "dvc.lock"))  # data/dvc.yaml holds stage scan
RWLOCK = Path(".dvc", "tmp", "rwlock")
OUTPUT_FOLDERS = ("data", "models", "metrics")


def unreadable_lock(path: Path) -> str | None:
    """Why DVC cannot read `dvc.lock` at `path` (DVC's own loader and schema decide), or None
    (also when there is none)."""
    from dvc.exceptions import DvcException
    from dvc.schema import COMPILED_LOCKFILE_SCHEMA
    from dvc.utils.strictyaml import YAMLSyntaxError, YAMLValidationError, load

    if not path.is_file():
        return None
    try:
        load(str(path), COMPILED_LOCKFILE_SCHEMA)
    except YAMLSyntaxError:
        return "not YAML (cut off while DVC wrote it?)"
    except YAMLValidationError:
        return "incomplete (cut off while DVC wrote it?)"
    except (DvcException, UnicodeDecodeError) as exc:
        return f"unreadable ({type(exc).__name__})"
    return None


def unreadable_rwlock(path: Path) -> str | None:
    """Why DVC cannot read its rwlock at `path`, or None (also when there is none)."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        return f"not JSON ({exc})"
    if not isinstance(data, dict):
        return "not a JSON object"
    return None


def repair(root: Path) -> list[str]:
    """Remove the unreadable DVC files of the project at `root`; one line per file removed."""
    done = []
    for lock in LOCKS:
        if reason := unreadable_lock(root / lock):
            (root / lock).unlink()
            done.append(f"{lock.as_posix()}: {reason}, removed; `dvc repro` restores the stages "
                        "that already ran from DVC's run cache (or `git checkout "
                        f"{lock.as_posix()}`)")
    if reason := unreadable_rwlock(root / RWLOCK):
        (root / RWLOCK).unlink()
        done.append(f"{RWLOCK.as_posix()}: {reason}, removed (it only lists running DVC commands)")
    partials = leftover_partials(root)
    if partials and alive_stages(root):
        done.append(f"{len(partials)} .partial folder(s) left: a stage is running now")
        return done
    for folder in partials:
        shutil.rmtree(folder)
        done.append(f"{folder.relative_to(root).as_posix()}: a killed stage's unfinished "
                    "output, removed")
    return done


def leftover_partials(root: Path) -> list[Path]:
    """Stages' `.partial` output folders under data/, models/ and metrics/."""
    return sorted(path for top in OUTPUT_FOLDERS if (root / top).is_dir()
                  for path in (root / top).rglob(f"*{PARTIAL_SUFFIX}") if path.is_dir())
