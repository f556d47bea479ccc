"""The project a stage runs in: where user paths are relative to, and how many stages of the
project share the machine right now.

DVC runs a queued experiment (`dvc exp run --queue`, `--temp`) in a temporary copy of the
project under `.dvc/tmp/exps/`, and points the `DVC_ROOT` environment variable at the original
project. A relative path that stays inside the project (`music/`) means the copy's own files; one
that leaves it (`../music`) means the same place it means from the original project.

Experiments run side by side (`dvc queue start -j N`) would each use every core; each stage
process therefore registers itself under `<project>/.dvc/tmp/genrepipe/running/` and its
default number of worker processes is the machine's cores divided by the stages running.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

RUNNING_DIR = Path(".dvc", "tmp", "genrepipe", "running")


def project_root() -> Path:
    """The original project: `DVC_ROOT` when DVC runs the stage, else the working directory."""
    return Path(os.environ.get("DVC_ROOT") or os.getcwd())


def resolve_path(path: str | os.PathLike) -> Path:
    """A user path from params.yaml as an absolute path (`~` expanded).

    Relative paths are taken from the working directory (the project, or DVC's copy of it),
    except those that leave it (`../music`), which are taken from the original project.
    """
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    if os.path.normpath(path).split(os.sep)[0] == os.pardir:
        return (project_root() / path).resolve()
    return (Path.cwd() / path).resolve()


def cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def registered_stage() -> Iterator[None]:
    """Register this process as a running stage of the project while the block runs (only in a
    DVC project: where `.dvc/` exists)."""
    root = project_root()
    if not (root / ".dvc").is_dir():
        yield
        return
    folder = root / RUNNING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    mark = folder / str(os.getpid())
    mark.touch()
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            mark.unlink()


def running_stages() -> int:
    """How many registered stage processes of the project are alive (at least 1: this one).
    Marks left by killed processes are removed."""
    return max(1, alive_stages(project_root()))


def alive_stages(root: Path) -> int:
    """How many registered stage processes of the project at `root` are alive (0 or more).
    Marks left by killed processes are removed."""
    folder = root / RUNNING_DIR
    alive = 0
    for mark in folder.glob("*") if folder.is_dir() else ():
        try:
            os.kill(int(mark.name), 0)
            alive += 1
        except (ValueError, ProcessLookupError):
            with contextlib.suppress(FileNotFoundError):
                mark.unlink()
        except PermissionError:  # alive, another user's
            alive += 1
    return alive


def model_threads(jobs: int | None) -> int:
    """Threads a model computes with (TensorFlow's intra-op pool, BLAS): `executor.jobs`, else
    every usable core, never the cores left free by the stages running now. How many threads
    share a sum changes its last digits (a Keras run trained with 1 thread and with 2 gives other
    weights), so this must not depend on what runs beside the stage: experiments side by side
    then share the cores by time, and give the bytes each gives alone."""
    return jobs or cores()


def default_jobs() -> int:
    """Worker processes (and model threads) for a stage when `executor.jobs` is null: the cores
    divided among the project's stages running now (experiments side by side)."""
    return max(1, cores() // running_stages())
