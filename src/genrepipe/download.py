"""The download stage: materialise the configured source as canonical WAV, split by song,
and write `manifest.csv` and `skipped.csv` next to the audio."""

from __future__ import annotations

import logging
import tempfile
from collections import Counter
from pathlib import Path

from .errors import DataError
from .parallel import map_songs
from .params import Section
from .sources import demo, folder, gtzan
from .sources.songs import MANIFEST_COLUMNS, SKIPPED_COLUMNS, Skip, Song, convert_song
from .split import SPLITS, stratified_folds, stratified_split
from .store import staging_dir, write_csv

log = logging.getLogger(__name__)

MANIFEST = "manifest.csv"
SKIPPED = "skipped.csv"


def download(params: Section, out_dir: str | Path, jobs: int | None = None,
             dask: str | None = None) -> list[Song]:
    """Build `out_dir` (data/raw) from `params.dataset`; the folder appears only when complete.

    Returns
    -------
    list of Song
        The songs written, in manifest order, each with its split.

    Raises
    ------
    DataError
        When the source yields no usable song, or cannot be read or downloaded.
    """
    dataset, sr = params.dataset, params.sample_rate
    with staging_dir(out_dir) as raw:
        fixed_split = None
        if dataset.source == "demo":
            tasks = demo.demo_jobs(dataset.demo.genres, dataset.demo.songs_per_genre, params.seed,
                                   dataset.demo.duration, sr, raw)
            results = map_songs(demo.make_demo_song, tasks, jobs, desc="demo songs", dask=dask)
            skipped: list[Skip] = []
        elif dataset.source == "folder":
            tasks, skipped = folder.scan_folder(dataset.path, raw, sr)
            results = map_songs(convert_song, tasks, jobs, desc="decoding", dask=dask)
        else:
            archive = gtzan.fetch_archive(dataset.gtzan.urls, dataset.gtzan.hash,
                                          dataset.gtzan.cache_dir, dataset.gtzan.retries)
            with tempfile.TemporaryDirectory(prefix="genrepipe-gtzan-", dir=archive.parent) as tmp:
                gtzan.safe_extract(archive, tmp)
                tasks, fixed_split, skipped = gtzan.gtzan_jobs(Path(tmp), raw, sr)
                results = map_songs(convert_song, tasks, jobs, desc="decoding", dask=dask)
        songs = [r for r in results if isinstance(r, Song)]
        skipped += [r for r in results if isinstance(r, Skip)]
        if not songs:
            raise DataError(f"dataset.source={dataset.source!r}: no usable song "
                            f"({len(skipped)} file(s) skipped)")
        ids, labels = [s.song_id for s in songs], [s.label for s in songs]
        if fixed_split:
            split = fixed_split
        elif dataset.split == "kfold":
            split = stratified_folds(ids, labels, dataset.folds, params.seed)
        else:
            split = stratified_split(ids, labels, dataset.ratios, params.seed)
        for song in songs:
            song.split = split[song.song_id]
        songs.sort(key=lambda s: (s.label, s.song_id))
        write_csv(raw / MANIFEST, MANIFEST_COLUMNS, (s.row() for s in songs))
        write_csv(raw / SKIPPED, SKIPPED_COLUMNS, (s.row() for s in skipped))
    print(summarise(songs, skipped))
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
