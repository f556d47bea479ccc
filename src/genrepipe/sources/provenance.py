"""Where a trained run's songs came from, read from the download stage's manifest, for the
run's meta.json: so a model folder says what it knows (and `genrepipe predict` can warn when it
knows only the synthetic demo).

The manifest's `source` column says it song by song: `demo:seed=<seed>` for the demo, the
archive and member (`genres.tar.gz:genres/blues/blues.00000.au`) for GTZAN, the file's path for
a folder. No params are read: the train stage gains no params, only the manifest as a dep.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from ..dataset.split import fold_number
from .registry import SOURCES


def dataset_of(rows: list[dict]) -> dict:
    """The dataset of the manifest `rows`: source, where it is, songs, classes and split.

    The source is the one whose `origin_prefix` starts every song's origin (a source of file
    paths, the folder source, when none does).

    Examples
    --------
    >>> dataset_of([{"source": "demo:seed=42", "label": "jazz", "split": "train"},
    ...             {"source": "demo:seed=42", "label": "rock", "split": "test"}])["location"]
    'synthetic demo songs (demo:seed=42)'
    """
    origins = sorted({row["source"] for row in rows})
    entries = [SOURCES[name] for name in SOURCES]
    claimed = [e for e in entries if e.origin_prefix and all(o.startswith(e.origin_prefix) for o in origins)]
    entry = claimed[0] if claimed else next(e for e in entries if e.origin_prefix is None)
    location = (entry.location.format(origins=", ".join(origins)) if entry.origin_prefix
                else folder_root(rows))
    splits = Counter(row["split"] for row in rows)
    if all(fold_number(split) is not None for split in splits):
        split = f"kfold ({len(splits)} folds)"
    else:
        split = entry.split_name
    return {"source": entry.name, "location": location, "songs": len(rows),
            "classes": sorted({row["label"] for row in rows}), "split": split,
            "songs_per_split": dict(sorted(splits.items()))}


def folder_root(rows: list[dict]) -> str:
    """The folder holding the class folders: the part of each song's path before its class."""
    roots = set()
    for row in rows:
        parts = PurePosixPath(row["source"]).parts
        position = parts.index(row["label"]) if row["label"] in parts else len(parts) - 1
        roots.add(PurePosixPath(*parts[:position]).as_posix() if position else ".")
    return roots.pop() if len(roots) == 1 else ", ".join(sorted(roots))
