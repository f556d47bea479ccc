"""Song-level train / valid / test splits (or k folds): decided once, in download, never per window.

A song's split depends only on the seed and its group (the song itself, or its album or artist
folder, see `dataset.group`): a seeded hash of the group id places it, so adding or removing a
song moves no other song, and a group never spans two splits. Each class gets the ratios in
expectation (not exactly: exact counts per class would make one song's split depend on the
others); `download` prints the counts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

from ..core.store import display_path

SPLITS = ("train", "valid", "test")


def unit_hash(seed: int, key: str) -> float:
    """A number in [0, 1) that depends only on `seed` and `key`, uniform over keys.

    Examples
    --------
    >>> unit_hash(42, "jazz/album1") == unit_hash(42, "jazz/album1")
    True
    """
    digest = hashlib.sha256(f"{seed}\0{key}".encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def split_of(group: str, ratios: Mapping[str, float], seed: int) -> str:
    """The split of every song of `group`: train, valid or test with probabilities `ratios`."""
    u, edge = unit_hash(seed, group), 0.0
    for name in SPLITS[:-1]:
        edge += ratios[name]
        if u < edge:
            return name
    return SPLITS[-1]


FOLD_PREFIX = "fold"


def fold_name(i: int) -> str:
    """The split name of fold `i` (``fold0``, ``fold1``, ...)."""
    return f"{FOLD_PREFIX}{i}"


def fold_number(split: str) -> int | None:
    """The number of fold split `split` (``fold3`` -> 3); None for train, valid or test."""
    rest = split.removeprefix(FOLD_PREFIX)
    return int(rest) if rest != split and rest.isdigit() else None


def fold_of(group: str, k: int, seed: int) -> str:
    """The fold (of `k`) of every song of `group`."""
    return fold_name(int(unit_hash(seed, group) * k))


def group_of(label: str, relative: Path, group: str) -> str:
    """The group id of the file at `relative` (below its class folder `label`)."""
    own = f"{label}/{display_path(relative.as_posix())}"
    if group == "none":
        return own
    if group == "folder":
        return f"folder:{display_path(relative.parts[0])}" if len(relative.parts) > 1 else own
    found = re.search(group, display_path(relative.as_posix()))
    if found is None:
        return own
    return "match:" + (found.group(1) if found.re.groups else found.group(0))
