"""The augment stage: seeded pitch-shifted / time-stretched copies of the training songs.

Its own stage, so that its settings re-run only it: with `augment.copies: 0` it writes an
empty list whatever the other settings, and nothing after it re-runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..audio.decode import read_wav, write_wav
from ..audio.effects import augment_signal, augmentation_rng
from ..core.parallel import map_songs
from ..core.store import staging_dir
from ..dataset.songs import read_manifest, write_manifest
from ..dataset.split import fold_number

AUGMENTED_COLUMNS = ("song_id", "source_song", "label", "split", "path", "augmented")


@dataclass(frozen=True)
class AugmentJob:
    """Make copy `copy` of the song `source_song` (at `wav`) into `out_dir`."""

    source_song: str
    label: str
    split: str
    wav: str
    out_dir: str
    copy: int
    settings: str  # JSON of the pitch_shift and time_stretch settings
    seed: int


def augment_song(job: AugmentJob) -> dict:
    """Run one AugmentJob (in a worker); returns its row of the augmented manifest."""
    y, sr = read_wav(job.wav)
    settings = json.loads(job.settings)
    y, applied = augment_signal(y, sr, settings, augmentation_rng(job.seed, job.source_song, job.copy))
    song_id = f"{job.source_song}~aug{job.copy}"
    relative = f"{job.label}/{song_id}.wav"
    (Path(job.out_dir) / job.label).mkdir(parents=True, exist_ok=True)
    write_wav(Path(job.out_dir) / relative, y, sr)
    return {"song_id": song_id, "source_song": job.source_song, "label": job.label,
            "split": job.split, "path": relative, "augmented": json.dumps(applied, sort_keys=True)}


def augment_all(raw_dir: str | Path, out_dir: str | Path, *, augment: Mapping[str, Any], seed: int,
                jobs: int | None = None, dask: str | None = None) -> list[dict]:
    """Write `augment["copies"]` augmented copies of every train song of `raw_dir` (with k
    folds: of every song, each copy used only where its song is trained on) into `out_dir`
    (data/augmented), with `manifest.csv` listing them.

    Parameters
    ----------
    raw_dir, out_dir : path-like
    augment : mapping
        The `augment` block of params.yaml.
    seed : int
    jobs, dask
        Where the per-song work runs; never changes the output.
    """
    raw_dir = Path(raw_dir).resolve()  # absolute: tasks may run in other processes or machines
    songs = read_manifest(raw_dir, columns=("song_id", "label", "split", "path"),
                          what="the song list written by the download stage")
    with staging_dir(out_dir) as stage:
        settings = json.dumps({k: augment[k] for k in ("pitch_shift", "time_stretch")})
        tasks = [AugmentJob(s["song_id"], s["label"], s["split"], str(raw_dir / s["path"]),
                            str(stage), copy, settings, seed)
                 for s in songs if s["split"] == "train" or fold_number(s["split"]) is not None
                 for copy in range(1, augment["copies"] + 1)]
        rows = map_songs(augment_song, tasks, jobs, desc="augmenting", dask=dask)
        write_manifest(stage, AUGMENTED_COLUMNS, rows)
    return rows
