"""The download stage: materialise the configured source as canonical WAV, split by song,
and write `manifest.csv` and `skipped.csv` next to the audio. A multi-label task
(`dataset.task: multilabel`) adds the kept tags of each song to the manifest (a `tags`
column) and `tags.json` (kept and dropped tags, songs per split); a genre task's files are
as they always were."""

from __future__ import annotations

import dataclasses
import importlib
import logging
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.errors import DataError
from ..core.parallel import map_songs
from ..core.store import staging_dir, write_csv
from ..dataset.convert import convert_song
from ..dataset.duplicates import DUPLICATES, DUPLICATES_COLUMNS, resolve_duplicates
from ..dataset.songs import SKIPPED_COLUMNS, Skip, Song, write_manifest
from ..dataset.split import SPLITS, fold_of, split_of
from ..evaluation.tasks.lookup import task_named
from ..sources.entry import Request
from ..sources.registry import get_source

log = logging.getLogger(__name__)

SKIPPED = "skipped.csv"


def download(out_dir: str | Path, *, dataset: Mapping[str, Any], sample_rate: int, seed: int,
             jobs: int | None = None, dask: str | None = None) -> list[Song]:
    """Build `out_dir` (data/raw) from the `dataset` params; the folder appears only when complete.

    Parameters
    ----------
    out_dir : path-like
    dataset : mapping
        The `dataset` block of params.yaml.
    sample_rate : int > 0
        Every song is decoded and resampled to it.
    seed : int
        Seeds the demo songs and the split.
    jobs, dask
        Where the per-song work runs (see `parallel.map_songs`); never changes the output.

    Returns
    -------
    list of Song
        The songs written, in manifest order, each with its split.

    Raises
    ------
    DataError
        When the source yields no usable song, or cannot be read or downloaded.
    """
    source, sr = dataset["source"], sample_rate
    task = task_named(dataset["task"])
    entry = get_source(source)
    with staging_dir(out_dir) as raw:
        def decode(tasks):
            span = dict(offset=dataset["offset"], max_duration=dataset["max_duration"])
            return map_songs(convert_song, [dataclasses.replace(t, **span) for t in tasks], jobs,
                             desc="decoding", dask=dask)

        def run(function, items, desc):
            return map_songs(function, items, jobs, desc=desc, dask=dask)

        collected = importlib.import_module(entry.module).collect(
            Request(dataset, raw, sr, seed, task, run, decode))
        results, skipped, fixed_split = collected.results, list(collected.skipped), collected.fixed_split
        songs, dropped, duplicates = resolve_duplicates(r for r in results if isinstance(r, Song))
        for song, _ in dropped:  # their WAV files were written by this stage, just now
            (raw / song.path).unlink()
        skipped += [r for r in results if isinstance(r, Skip)] + [skip for _, skip in dropped]
        if not songs:
            first = f", first {skipped[0].path}: {skipped[0].reason}" if skipped else ""
            raise DataError(f"dataset.source={source!r}: no usable song ({len(skipped)} file(s) "
                            f"skipped{first}); expected audio files that decode")
        for song in songs:
            if fixed_split:
                song.split = fixed_split[song.song_id]
            elif dataset["split"] == "kfold":
                song.split = fold_of(song.group, dataset["folds"], seed)
            else:
                song.split = split_of(song.group, dataset["ratios"], seed)
        songs.sort(key=lambda s: (s.label, s.song_id))
        kept_tags = task.settle_tags(songs, source, raw)  # a tagger's: which tags every split can score
        write_manifest(raw, task.manifest_columns, (s.row() for s in songs))
        write_csv(raw / SKIPPED, SKIPPED_COLUMNS, (s.row() for s in skipped))
        write_csv(raw / DUPLICATES, DUPLICATES_COLUMNS, duplicates)
    print(summarise(songs, skipped))
    if kept_tags:
        print(kept_tags)
    return songs


def summarise(songs: list[Song], skipped: list[Skip]) -> str:
    """A small table: songs per class and split, then the number skipped and why."""
    counts = Counter((s.label, s.split) for s in songs)
    labels = sorted({s.label for s in songs})
    splits = [n for n in SPLITS if any(s.split == n for s in songs)] or sorted({s.split for s in songs})
    width = max(len(label) for label in labels + ["class"])
    lines = [f"{'class':<{width}} " + " ".join(f"{name:>6}" for name in splits)]
    for label in labels:
        lines.append(f"{label:<{width}} " + " ".join(f"{counts[label, n]:>6}" for n in splits))
    totals = Counter(s.split for s in songs)
    lines.append(f"{'total':<{width}} " + " ".join(f"{totals[n]:>6}" for n in splits))
    lines.append(f"{len(songs)} songs, {len(skipped)} skipped")
    for reason, n in Counter(s.reason.split(" (")[0] for s in skipped).most_common():
        lines.append(f"  skipped {n}: {reason}")
    return "\n".join(lines)
