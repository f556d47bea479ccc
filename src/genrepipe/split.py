"""Song-level train / valid / test splits: decided once, in download, never per window."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

SPLITS = ("train", "valid", "test")


def split_counts(n: int, ratios: Mapping[str, float]) -> dict[str, int]:
    """How many of `n` songs of one class go to each split (at least one to train when n > 0)."""
    counts = {name: int(round(n * ratios[name])) for name in ("valid", "test")}
    while n > 0 and counts["valid"] + counts["test"] >= n:
        largest = max(("test", "valid"), key=lambda name: counts[name])
        counts[largest] -= 1
    counts["train"] = n - counts["valid"] - counts["test"]
    return {name: counts[name] for name in SPLITS}


def stratified_split(song_ids: Sequence[str], labels: Sequence[str],
                     ratios: Mapping[str, float], seed: int) -> dict[str, str]:
    """Assign every song to one split, class by class, in seeded random order.

    Parameters
    ----------
    song_ids, labels : sequences of str, same length
    ratios : mapping with keys train, valid, test summing to 1
    seed : int

    Returns
    -------
    dict
        song_id -> split name. The result depends only on the set of (song_id, label) pairs and
        the seed, not on their order.
    """
    by_label: dict[str, list[str]] = defaultdict(list)
    for song_id, label in zip(song_ids, labels, strict=True):
        by_label[label].append(song_id)
    rng = np.random.default_rng(seed)
    assignment = {}
    for label in sorted(by_label):
        ids = sorted(by_label[label])
        order = rng.permutation(len(ids))
        counts = split_counts(len(ids), ratios)
        names = [name for name in SPLITS for _ in range(counts[name])]
        for position, name in zip(order, names, strict=True):
            assignment[ids[position]] = name
    return assignment


def fold_name(i: int) -> str:
    """The split name of fold `i` (``fold0``, ``fold1``, ...)."""
    return f"fold{i}"


def stratified_folds(song_ids: Sequence[str], labels: Sequence[str], k: int, seed: int) -> dict[str, str]:
    """Assign every song to one of `k` folds, class by class in seeded random order, so each
    fold holds about 1/k of every class (StratifiedGroupKFold with one group per song).

    Returns
    -------
    dict
        song_id -> ``fold<i>``.
    """
    by_label: dict[str, list[str]] = defaultdict(list)
    for song_id, label in zip(song_ids, labels, strict=True):
        by_label[label].append(song_id)
    rng = np.random.default_rng(seed)
    assignment, offset = {}, 0
    for label in sorted(by_label):
        ids = sorted(by_label[label])
        for rank, position in enumerate(rng.permutation(len(ids))):
            # continue the round-robin across classes so small classes do not all start at fold0
            assignment[ids[position]] = fold_name((offset + rank) % k)
        offset += len(ids)
    return assignment
