"""Which tags a multi-label task keeps: only those every split can score and train.

A tag is kept when every split (k-fold: every fold) holds songs with it and songs without it, so
its ROC-AUC is defined wherever it is scored, and the training songs hold at least two of each,
so the song-disjoint calibration folds inside training (`models.classic.calibration_splits`)
each see both. With k >= 3 folds, a tag in every fold has k - 1 >= 2 training songs with it in
each fold's training set. Every other tag is dropped and listed with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.errors import DataError
from .songs import Song, join_tags, split_tags
from .split import SPLITS, fold_number

TAGS_FILE = "tags.json"  # data/raw/tags.json (multi-label only): kept and dropped tags, counts
MIN_TRAIN_SONGS = 2      # songs with (and without) a tag in the train split


def keep_tags(song_tags: Sequence[Sequence[str]], splits: Sequence[str]) -> tuple[list[str], dict[str, str], dict]:
    """The tags to keep, the dropped ones with their reason, and songs with each tag per split.

    Parameters
    ----------
    song_tags : per song, its tags
    splits : per song, its split (train / valid / test or fold0 ... foldk-1)

    Returns
    -------
    kept : sorted tag names
    dropped : {tag: reason}
    counts : {tag: {split: songs with the tag}}, every tag seen
    """
    order = {name: i for i, name in enumerate(SPLITS)}  # train, valid, test, then fold0, fold1, ...
    names = sorted(set(splits), key=lambda n: (order.get(n, len(order)), fold_number(n) or 0, n))
    totals = {n: sum(s == n for s in splits) for n in names}
    counts: dict[str, dict[str, int]] = {}
    for tags, split in zip(song_tags, splits, strict=True):
        for tag in tags:
            counts.setdefault(tag, dict.fromkeys(names, 0))[split] += 1
    kept, dropped = [], {}
    for tag in sorted(counts):
        reason = _reason(counts[tag], totals)
        if reason:
            dropped[tag] = reason
        else:
            kept.append(tag)
    return kept, dropped, {tag: counts[tag] for tag in sorted(counts)}


def _reason(positives: dict[str, int], totals: dict[str, int]) -> str:
    for split, total in totals.items():
        if positives[split] == 0:
            return f"no {split} song has it"
        if positives[split] == total:
            return f"every {split} song has it"
    if "train" in totals:
        least = min(positives["train"], totals["train"] - positives["train"])
        if least < MIN_TRAIN_SONGS:
            with_it = "with" if positives["train"] == least else "without"
            return (f"{least} train song {with_it} it; {MIN_TRAIN_SONGS} needed (song-disjoint "
                    "calibration folds)")
    return ""


def tag_table(kept: Sequence[str], dropped: dict[str, str], counts: dict) -> str:
    """Songs with each kept tag per split, then the dropped tags and why (download prints it)."""
    if not counts:
        return "no tags"
    splits = list(next(iter(counts.values())))
    width = max(len(t) for t in [*counts, "tag"])
    lines = [f"{'tag':<{width}} " + " ".join(f"{s:>6}" for s in splits)]
    lines += [f"{t:<{width}} " + " ".join(f"{counts[t][s]:>6}" for s in splits) for t in kept]
    lines.append(f"{len(kept)} tags kept, {len(dropped)} dropped")
    lines += [f"  dropped {t}: {reason}" for t, reason in dropped.items()]
    return "\n".join(lines)


def keep_song_tags(songs: list[Song], source: str) -> dict:
    """Keep on each song only the tags every split can score (`keep_tags`); returns what
    tags.json records.

    Raises
    ------
    DataError
        When fewer than two tags are left.
    """
    kept, dropped, counts = keep_tags([split_tags(s.tags) for s in songs],
                                      [s.split for s in songs])
    if len(kept) < 2:  # one tag is a yes / no genre task: dataset.task multiclass
        first = next(iter(dropped.items()), ("", "no song has a tag"))
        raise DataError(f"dataset.task='multilabel' (source {source!r}): {len(kept)} tag(s) "
                        f"{kept} with songs with and without it in every split ({len(dropped)} "
                        f"dropped, first {first[0]!r}: {first[1]}); expected at least 2 (more "
                        "songs, fewer folds, or other tags)")
    keep = set(kept)
    for song in songs:
        song.tags = join_tags(t for t in split_tags(song.tags) if t in keep)
    return {"tags": kept, "dropped": dropped, "songs_per_split": counts}
