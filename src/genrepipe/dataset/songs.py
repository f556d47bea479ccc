"""The record every source produces per song, the manifest that lists them, and how a song's tags
are written in every file."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.store import read_csv, write_csv

MANIFEST = "manifest.csv"  # data/raw/manifest.csv: one row per song, its split and its source
MANIFEST_COLUMNS = ("song_id", "label", "split", "group", "path", "duration_s", "source", "md5")
TAGS_COLUMN = "tags"  # added after MANIFEST_COLUMNS for a multi-label task only (dataset.task)
SKIPPED_COLUMNS = ("path", "reason")
TAG_SEPARATOR = ";"  # between a song's tags in every file that holds them (manifest, labels, songs.csv)
NO_TAG = "(none)"    # a song without tags (or without decided ones) in confusion rows; no tag is named so


def join_tags(tags) -> str:
    """A song's tags as one cell: `drums;bass`."""
    return TAG_SEPARATOR.join(tags)


def split_tags(text: str) -> list[str]:
    """One cell's tags, as `join_tags` wrote them (an empty cell: none)."""
    return text.split(TAG_SEPARATOR) if text else []


@dataclass
class Song:
    """One song in data/raw: `path` is relative to data/raw, `source` is where it came from, and
    songs of one `group` (an album, an artist) always share a split; `tags` (`;`-separated) are
    its targets in a multi-label task (written to the manifest only then)."""

    song_id: str
    label: str
    path: str
    duration_s: float
    source: str
    md5: str
    split: str = ""
    group: str = ""
    tags: str = ""

    def row(self) -> dict:
        return {**self.__dict__, "duration_s": f"{self.duration_s:.6f}"}


@dataclass
class Skip:
    """A file that did not become a song, and why."""

    path: str
    reason: str

    def row(self) -> dict:
        return self.__dict__


def unique_id(candidate: str, used: set[str]) -> str:
    """A file-system-safe song id, suffixed -2, -3, ... when two files would share one."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", candidate)
    song_id, n = base, 1
    while song_id in used:
        n += 1
        song_id = f"{base}-{n}"
    used.add(song_id)
    return song_id


def write_manifest(folder: str | Path, columns: Sequence[str], rows: Iterable[dict]) -> None:
    """`folder/manifest.csv`: a row per song (`Song.row()`), `columns` (MANIFEST_COLUMNS; a
    tagger's task adds TAGS_COLUMN; the augment stage's copies add theirs)."""
    write_csv(Path(folder) / MANIFEST, columns, rows)


def read_manifest(path: str | Path, columns: Sequence[str] = MANIFEST_COLUMNS,
                  what: str = "the download stage's manifest") -> list[dict]:
    """The rows of a manifest (`path`: the `.csv` file, or its folder), which must hold `columns`."""
    path = Path(path)
    return read_csv(path if path.suffix == ".csv" else path / MANIFEST, what=what, columns=columns)
