"""The transform stage: one representation for every windowed song, with an index file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import DataError
from ..core.parallel import map_songs
from ..core.section import plain
from ..core.store import load_array, save_array, staging_dir
from ..dataset.featureset import read_windows_index, write_features_index
from ..transforms.registry import TRANSFORMS, featurize


# (name, windows of shape (n, samples), sample rate, params block) -> features of every window
Compute = Callable[[str, np.ndarray, int, Mapping[str, Any]], np.ndarray]


@dataclass(frozen=True)
class TransformJob:
    """Transform one song's windows file into `out_dir/<song_id>.npy` with `function`."""

    song_id: str
    windows: str
    out_dir: str
    name: str
    params: tuple[tuple[str, Any], ...]
    sr: int
    function: Compute = featurize


def transform_song(job: TransformJob) -> dict:
    """Run one TransformJob (in a worker): the song's shape, or why it was skipped."""
    params = dict(job.params)
    features = job.function(job.name, load_array(job.windows, mmap=False), job.sr, params)
    if not np.isfinite(features).all():
        return {"song_id": job.song_id, "skipped": f"non-finite {job.name} features"}
    save_array(Path(job.out_dir) / f"{job.song_id}.npy", features)
    return {"song_id": job.song_id, "shape": list(features.shape)}


def transform_all(name: str, settings: Mapping[str, Any], windows_dir: str | Path,
                  out_dir: str | Path, jobs: int | None = None, dask: str | None = None,
                  function: Compute = featurize) -> dict:
    """Compute transform `name` with its params block `settings` for every song.

    `function` computes the features (the registry's transforms; the embed stage passes its
    own). Unless the songs go to a dask cluster, it runs once on silence here first, so that
    forked workers inherit its imports instead of paying for them each.

    Returns
    -------
    dict
        The index written to `out_dir/index.json`: transform, its params, dtype, the shape of
        one window's features, window geometry, one row per song (label, split, window count)
        and the songs skipped with their reason.
    """
    entry = TRANSFORMS.get(name)
    if entry is not None and entry.threads:  # a network using every core: one song at a time
        jobs, dask = 1, None
    windows_dir = Path(windows_dir).resolve()  # absolute: tasks may run in other processes or machines
    windows = read_windows_index(windows_dir)
    params = dict(settings.items())
    with staging_dir(out_dir) as stage:
        tasks = [TransformJob(s["song_id"], str(windows_dir / f"{s['song_id']}.npy"), str(stage),
                              name, tuple(params.items()), windows["sample_rate"], function)
                 for s in windows["songs"]]
        if dask is None:
            function(name, np.zeros((1, windows["window_samples"]), np.float32),
                     windows["sample_rate"], params)
        rows = map_songs(transform_song, tasks, jobs, desc=name, dask=dask)
        shapes = {tuple(row["shape"][1:]) for row in rows if "shape" in row}
        if len(shapes) != 1:
            raise DataError(f"{windows_dir}: {name} gave {len(shapes)} different window shapes "
                            f"({sorted(shapes)}); expected one (no songs, or mixed window sizes?)")
        index = write_features_index(
            stage, name, plain(params), list(shapes.pop()), windows,
            [s for s, row in zip(windows["songs"], rows, strict=True) if "shape" in row],
            [{"song_id": r["song_id"], "reason": r["skipped"]} for r in rows if "skipped" in r])
    return index

