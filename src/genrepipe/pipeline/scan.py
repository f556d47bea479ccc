"""The scan stage: the folder source's files as a listing DVC can hash whatever their names.

DVC hashes a folder dep before any stage runs, and its hash cache cannot store a file name that
is not valid UTF-8 (a Latin-1 `café.wav` from an old archive): `dvc repro` would crash before
genrepipe could use or skip the file. So `download` depends on this listing instead of the
folder: a line per file below `dataset.path` (its name, with such bytes as backslash escapes, its
size, inode and modification time, the facts DVC itself trusts before re-hashing a file, and its
change time, which `touch -r` cannot set back). Stage `scan` writes it at every `dvc repro`; an
untouched folder gives the same bytes, and `download` is skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import yaml

from ..core.section import Section
from ..core.store import atomic_open, display_path
from ..core.workspace import resolve_path

ADDRESS = "data/dvc.yaml:scan"  # how DVC names the stage (`dvc repro`, `dvc status`)
HEADER = "path\tbytes\tinode\tmodified_ns\tchanged_ns\n"
_CONTROL = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})  # a line per file, any name


def dataset_keys(params_file: str | os.PathLike = "params.yaml") -> tuple[object, object]:
    """`dataset.source` and `dataset.path` as params.yaml writes them, not validated: `download`
    validates them, with every other key, and says what is wrong. The scan runs at every `dvc
    repro`, and validating imports every model's and transform's entry module (~0.4 s); a file
    that cannot be read gives (None, None): nothing to list, and `download` says why."""
    try:
        raw = yaml.safe_load(Path(params_file).read_text())
    except (OSError, yaml.YAMLError):
        return None, None
    dataset = raw.get("dataset") if isinstance(raw, dict) else None
    if not isinstance(dataset, dict):
        return None, None
    dataset = Section(dataset, "dataset").track()  # reads recorded for the dvc.yaml honesty test
    return dataset.get("source"), dataset.get("path")


def folder_lines(root: Path) -> Iterator[str]:
    """A line per file the folder source looks at below `root`, sorted by path: hidden ones too
    (it lists them as skipped), and, like it, those inside a class folder that is a symbolic link.
    One `stat` per path."""
    paths = [p for entry in root.iterdir() for p in ([entry, *entry.rglob("*")] if entry.is_dir()
                                                      else [entry])]
    for path in sorted(paths):
        try:
            info = path.stat()
        except FileNotFoundError:  # removed since the walk (or a broken link): not a song either
            continue
        if stat.S_ISREG(info.st_mode):
            name = display_path(path.relative_to(root)).translate(_CONTROL)
            yield f"{name}\t{info.st_size}\t{info.st_ino}\t{info.st_mtime_ns}\t{info.st_ctime_ns}\n"


def scan(out: str | os.PathLike, source: object, path: object) -> int:
    """Write the listing of `path` for `source` to `out` (atomically); the number of files listed.

    Only the folder source reads a folder: any other source gets a one-line listing that never
    changes. A path that is no folder is said in the listing and left to `download`, which
    refuses it with the reason.
    """
    with atomic_open(out) as handle:
        if source != "folder":
            handle.write(f"# source {source}: no folder to list\n")
            return 0
        root = resolve_path(path) if isinstance(path, str) and path else None
        if root is None or not root.is_dir():
            handle.write(f"# dataset.path={path!r}: not a folder\n")
            return 0
        handle.write(HEADER)
        count = 0
        for line in folder_lines(root):
            handle.write(line)
            count += 1
    return count
