"""The segment stage: every song (and augmented copy) cut into rolling windows, one `.npy` each."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..audio.decode import read_wav
from ..audio.windows import frame_signal
from ..core.errors import DataError
from ..core.parallel import map_songs
from ..core.store import save_array, staging_dir
from ..dataset.featureset import write_windows_index
from ..dataset.songs import MANIFEST, read_manifest
from ..evaluation.tasks.lookup import task_of_manifest

SONG_FIELDS = ("song_id", "label", "split", "path")  # what a manifest row needs here


@dataclass(frozen=True)
class SegmentJob:
    """Window one song: read `wav`, write `out_dir/<song_id>.npy`."""

    song_id: str
    wav: str
    out_dir: str
    window_samples: int
    hop_samples: int
    pad_short: bool


def segment_song(job: SegmentJob) -> dict:
    """Run one SegmentJob (in a worker); returns the song's row of the windows index."""
    y, _ = read_wav(job.wav)
    windows = frame_signal(y, job.window_samples, job.hop_samples, job.pad_short)
    short = y.size < job.window_samples
    if windows.shape[0]:
        save_array(Path(job.out_dir) / f"{job.song_id}.npy", windows)
    return {"n_samples": int(y.size), "n_windows": int(windows.shape[0]),
            "short": "padded" if short and windows.shape[0] else ("skipped" if short else "")}


def segment_all(raw_dir: str | Path, augmented_dir: str | Path, out_dir: str | Path, *,
                sample_rate: int, window: float, hop: float, short: str,
                jobs: int | None = None, dask: str | None = None) -> dict:
    """Window every song of `raw_dir` and `augmented_dir` (their `manifest.csv`) into `out_dir`.

    Parameters
    ----------
    raw_dir, augmented_dir, out_dir : path-like
        data/raw, data/augmented, data/windows.
    sample_rate : int
        The songs' sample rate.
    window, hop : float > 0
        Seconds per window and between window starts.
    short : {"pad", "skip"}
        A song shorter than one window: zero-padded to one window, or left out (and listed).
    jobs, dask
        Where the per-song work runs; never changes the output.

    Returns
    -------
    dict
        The index written to `out_dir/index.json`: window geometry, one row per song with its
        window count (and, for an augmented copy, the song it was made from and what was done),
        and the songs skipped (shorter than a window with ``short: skip``). A multi-label task
        (the manifest has tags) adds the tags (`tags`) and each song's tags (an augmented copy:
        its source song's).
    """
    window_samples, hop_samples = round(window * sample_rate), round(hop * sample_rate)
    songs = []
    for folder, what in ((raw_dir, "download"), (augmented_dir, "augment")):
        folder = Path(folder).resolve()  # absolute: tasks may run in other processes or machines
        for row in read_manifest(folder, columns=SONG_FIELDS,
                                 what=f"the song list written by the {what} stage"):
            songs.append({**row, "wav": str(folder / row["path"])})
    if not songs:  # download writes at least one song: this list was cut off
        raise DataError(f"{Path(raw_dir) / MANIFEST}: no songs; expected the song list written "
                        "by the download stage (re-run `dvc repro`)")
    # a tagger's: the kept tags, and each song's own (an augmented copy's: its source song's)
    index_tags, song_tags = task_of_manifest(songs).index_tags(songs, raw_dir)
    with staging_dir(out_dir) as stage:
        tasks = [SegmentJob(s["song_id"], s["wav"], str(stage), window_samples, hop_samples,
                            short == "pad") for s in songs]
        rows = map_songs(segment_song, tasks, jobs, desc="segmenting", dask=dask)
        geometry = {"sample_rate": sample_rate, "window": window, "hop": hop,
                    "window_samples": window_samples, "hop_samples": hop_samples, "short": short}
        index = write_windows_index(stage, geometry, index_tags, [
            {"song_id": s["song_id"], "source_song": s.get("source_song", s["song_id"]),
             "label": s["label"], "split": s["split"], **row,
             **({"tags": song_tags[s["song_id"]]} if s["song_id"] in song_tags else {}),
             **({"augmented": json.loads(s["augmented"])} if "augmented" in s else {})}
            for s, row in zip(songs, rows, strict=True) if row["n_windows"]],
            [{"song_id": s["song_id"], "reason": "shorter than one window"}
             for s, row in zip(songs, rows, strict=True) if not row["n_windows"]])
    return index
