"""Exact duplicates among a dataset's songs: the same decoded audio under two names.

Two songs are duplicates when their canonical WAV files (the same sample rate, mono, 16-bit)
are byte-identical, so the same recording in another format, at another rate or with other
tags is found too once decoded. Not found: near-duplicates (another mastering, a trimmed or
re-encoded lossy copy whose samples differ).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .songs import Skip, Song

DUPLICATES = "duplicates.csv"
DUPLICATES_COLUMNS = ("md5", "song_id", "label", "source", "action")


def resolve_duplicates(songs: Iterable[Song]) -> tuple[list[Song], list[tuple[Song, Skip]], list[dict]]:
    """Keep duplicates of one class together and drop those whose classes disagree.

    Duplicates with one label: their groups are merged (the smallest group id names the
    union), so they land in one split. Duplicates with different labels: all are skipped, since
    which class is right cannot be told.

    Returns
    -------
    kept : the songs, groups updated
    dropped : each song dropped, and its row for `skipped.csv`
    rows : one row per duplicate song for `duplicates.csv`
    """
    songs = list(songs)
    by_audio: dict[str, list[Song]] = defaultdict(list)
    for song in songs:
        by_audio[song.md5].append(song)
    parent: dict[str, str] = {}

    def find(group: str) -> str:
        while parent.get(group, group) != group:
            group = parent[group]
        return group

    dropped, rows = set(), []
    for md5, copies in sorted(by_audio.items()):
        if len(copies) < 2:
            continue
        copies.sort(key=lambda s: s.song_id)
        labels = sorted({s.label for s in copies})
        if len(labels) > 1:
            action = "skipped: the same audio is labelled " + " and ".join(labels)
            dropped.update(s.song_id for s in copies)
        else:
            roots = sorted({find(s.group) for s in copies})
            for root in roots[1:]:
                parent[root] = roots[0]
            action = f"kept in one split with {copies[0].song_id}"
        rows += [{"md5": md5, "song_id": s.song_id, "label": s.label, "source": s.source,
                  "action": action} for s in copies]
    kept = [s for s in songs if s.song_id not in dropped]
    for song in kept:
        song.group = find(song.group)
    skipped = [(s, Skip(s.source, "the same audio as " + ", ".join(
        f"{o.song_id} ({o.label})" for o in by_audio[s.md5] if o is not s) + " under another label"))
        for s in songs if s.song_id in dropped]
    return kept, skipped, rows
