"""The transform stage: one representation for every windowed song, with an index file."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

from .errors import DataError
from .parallel import map_songs
from .segment import INDEX
from .store import load_array, read_json, staging_dir, write_json
from .transforms import TransformJob, compute, transform_song


def transform_all(name: str, params, windows_dir: str | Path, out_dir: str | Path,
                  jobs: int | None = None, dask: str | None = None) -> dict:
    """Compute transform `name` (params from `params.transforms[name]`) for every song.

    Returns
    -------
    dict
        The index written to `out_dir/index.json`: transform, its params, dtype, the shape of
        one window's features, window geometry, one row per song (label, split, window count)
        and the songs skipped with their reason.
    """
    windows_dir = Path(windows_dir).resolve()  # absolute: tasks may run in other processes or machines
    windows = read_json(windows_dir / INDEX)
    settings = params.transforms[name]
    with staging_dir(out_dir) as stage:
        tasks = [TransformJob(s["song_id"], str(windows_dir / f"{s['song_id']}.npy"), str(stage),
                              name, tuple(settings.items()), windows["sample_rate"])
                 for s in windows["songs"]]
        if dask is None and name != "embed":  # workers are forked from here: warm them up once
            warm_up(name, settings, windows["sample_rate"], windows["window_samples"])
        rows = map_songs(transform_song, tasks, jobs, desc=name, dask=dask)
        shapes = {tuple(row["shape"][1:]) for row in rows if "shape" in row}
        if len(shapes) != 1:
            raise DataError(f"{windows_dir}: {name} gave {len(shapes)} different window shapes "
                            f"({sorted(shapes)}); expected one (no songs, or mixed window sizes?)")
        index = {
            "transform": name,
            "params": settings.to_dict(),
            "dtype": settings.dtype,
            "shape": list(shapes.pop()),
            **{k: windows[k] for k in ("sample_rate", "window", "hop", "window_samples",
                                       "hop_samples")},
            "songs": [{k: s[k] for k in ("song_id", "source_song", "label", "split", "n_windows")}
                      for s, row in zip(windows["songs"], rows, strict=True) if "shape" in row],
            "skipped": windows["skipped"] + [{"song_id": r["song_id"], "reason": r["skipped"]}
                                             for r in rows if "skipped" in r],
        }
        write_json(stage / INDEX, index)
    return index


def warm_up(name: str, settings, sr: int, window_samples: int) -> None:
    """Run the transform once on silence in this process, so that forked workers inherit the
    imported librosa and its compiled numba functions instead of paying for them each."""
    compute(name, np.zeros((1, window_samples), np.float32), sr, settings)


class FeatureSet:
    """The read side of `data/features/<t>`: its index and the per-song arrays, memory-mapped.

    Parameters
    ----------
    folder : path-like
        A folder written by `transform_all`.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        index_path = self.folder / INDEX
        if not index_path.is_file():
            raise DataError(f"{index_path}: not found; expected the output of a transform stage")
        self.index = read_json(index_path)
        self.name: str = self.index["transform"]
        self.window_shape: tuple[int, ...] = tuple(self.index["shape"])
        self.classes: list[str] = sorted({s["label"] for s in self.index["songs"]})

    def songs(self, split: str | None = None) -> list[dict]:
        """Index rows (song_id, label, split, n_windows) of one split, or of all songs."""
        return [s for s in self.index["songs"] if split is None or s["split"] == split]

    @property
    def folds(self) -> list[str]:
        """The fold names when the dataset was split into k folds (``dataset.split: kfold``)."""
        names = {s["split"] for s in self.index["songs"]}
        return sorted((n for n in names if n.startswith("fold")), key=lambda n: int(n[4:]))

    def with_splits(self, mapping: dict[str, str]) -> FeatureSet:
        """The same store, each song's split renamed through `mapping` (e.g. fold2 -> test)."""
        view = copy.copy(self)
        view.index = {**self.index, "songs": [{**s, "split": mapping.get(s["split"], s["split"])}
                                              for s in self.index["songs"]]}
        return view

    def path(self, song_id: str) -> Path:
        return self.folder / f"{song_id}.npy"

    def load(self, song_id: str) -> np.ndarray:
        """One song's features, shape (n_windows, *window_shape), memory-mapped."""
        return load_array(self.path(song_id))
