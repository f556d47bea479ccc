"""Inputs damaged between stages, as a crash or a hand edit leaves them: a truncated `.npy`, a
deleted file under data/, a hand-edited index or manifest. Each is checked three ways: the stage
that reads it, run on it directly, succeeds or stops with one line naming the problem (never a
traceback); `dvc status` names the damaged stage; `dvc repro` repairs it to the reference's bytes.

Files are replaced, not edited in place: DVC keeps outputs read-only and hard-linked into its
cache, so a user (not root) cannot write into them; a replaced file is what an editor or a
crashed copy leaves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .outcome import Row, check_rerun, clear_failure, genrepipe_errors, last_line
from .project import Project


def replace(path: Path, data: bytes) -> None:
    path.unlink()
    path.write_bytes(data)


def truncate_npy(path: Path) -> None:
    replace(path, path.read_bytes()[: path.stat().st_size // 2])


def delete(path: Path) -> None:
    path.unlink()


def edit_manifest(path: Path) -> None:
    lines = path.read_text().splitlines(keepends=True)
    replace(path, "".join(lines[:1] + lines[2:]).encode())  # a song's row removed


def train_npy(folder: Path) -> Path:
    """The file of the first training song (the ones every reading stage reads)."""
    songs = json.loads((folder / "index.json").read_text())["songs"]
    return folder / f"{next(s['song_id'] for s in songs if s['split'] == 'train')}.npy"


def edit_index(path: Path) -> None:
    index = json.loads(path.read_text())
    song = next(s for s in index["songs"] if s["split"] == "train")
    song["n_windows"] += 1
    replace(path, (json.dumps(index, indent=2) + "\n").encode())


# (what, stage owning the file, file, damage, stage that reads it)
CASES: list[tuple[str, str, Callable[[Path], Path], Callable[[Path], None], str]] = [
    ("truncated .npy (windows)", "segment", lambda p: train_npy(p / "data/windows"), truncate_npy,
     "transform@mel"),
    ("truncated .npy (features)", "transform@mfcc", lambda p: train_npy(p / "data/features/mfcc"),
     truncate_npy, "train@svc-mfcc"),
    ("deleted .npy (features)", "transform@mel", lambda p: train_npy(p / "data/features/mel"), delete,
     "train@cnn2d-mel"),
    ("deleted index.json", "segment", lambda p: p / "data/windows/index.json", delete, "transform@mfcc"),
    ("hand-edited index.json", "transform@mfcc", lambda p: p / "data/features/mfcc/index.json",
     edit_index, "train@svc-mfcc"),
    ("hand-edited manifest.csv", "download", lambda p: p / "data/raw/manifest.csv", edit_manifest,
     "segment"),
]


def corrupt(project: Project, reference: dict[str, str]) -> list[Row]:
    rows = []
    for what, owner, target, damage, reader in CASES:
        row = Row(f"corrupt input: {what}", owner)
        damage(target(project.path))
        row.injected += 1
        if owner not in project.dvc("status").stdout:
            row.note("`dvc status` did not notice")
            row.unclear += 1
        run = project.dvc("repro", "--force", "--single-item", reader)
        errors = genrepipe_errors(run.stderr)
        if run.returncode != 0 and not clear_failure(run.stderr):
            row.unclear += 1
            row.note(f"{reader} on it: unclear failure: {last_line(run.stderr)}")
        elif run.returncode != 0:
            row.note(f"{reader} on it: {errors[0][:160]}")
        else:
            row.note(f"{reader} on it: ran")
        check_rerun(project, reference, row)
        rows.append(row)
    return rows
