"""The index files of the windows and of every feature set (`index.json`), written and read here
only, and a feature set's per-song arrays (`FeatureSet`).

`data/windows/index.json` (segment): the window geometry, the songs (id, source song, label,
split, window count; a tagger's: its tags) and the songs skipped; with a tagger's task the kept
`tags`. `data/features/<t>/index.json` (transform, embed): the same songs and geometry, the
transform, its params, dtype and the shape of one window's features."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

from ..core.errors import DataError
from ..core.store import INDEX, load_array, read_json, write_json
from .split import fold_number


WINDOW_GEOMETRY = ("sample_rate", "window", "hop", "window_samples", "hop_samples")
SONG_FIELDS = ("song_id", "source_song", "label", "split", "n_windows", "tags")


def write_windows_index(folder: str | Path, geometry: dict, tags: dict, songs: list[dict],
                        skipped: list[dict]) -> dict:
    """Write `folder/index.json` of the segment stage: `geometry` (`WINDOW_GEOMETRY` and
    `short`), the task's `tags` block (a tagger's kept tags; else empty), the songs and the
    songs skipped. Returns the index."""
    index = {**geometry, **tags, "songs": songs, "skipped": skipped}
    write_json(Path(folder) / INDEX, index)
    return index


def read_windows_index(folder: str | Path) -> dict:
    return read_json(Path(folder) / INDEX, what="the window index written by the segment stage")


def write_features_index(folder: str | Path, name: str, params: dict, shape: list[int],
                         windows: dict, kept: list[dict], skipped: list[dict]) -> dict:
    """Write `folder/index.json` of a transform (or embedding) `name` with `params`: one
    window's `shape`, the geometry and tags of the windows index, the songs `kept` (rows of it)
    and every song skipped so far. Returns the index."""
    index = {
        "transform": name, "params": params, "dtype": params.get("dtype", "float32"), "shape": shape,
        **{k: windows[k] for k in WINDOW_GEOMETRY},
        **({"tags": windows["tags"]} if "tags" in windows else {}),
        "songs": [{k: s[k] for k in SONG_FIELDS if k in s} for s in kept],
        "skipped": windows["skipped"] + skipped,
    }
    write_json(Path(folder) / INDEX, index)
    return index


def is_original(song: dict) -> bool:
    """False for an augmented copy (made from another song)."""
    return song.get("source_song", song["song_id"]) == song["song_id"]


class FeatureSet:
    """A transform's index (`index.json`) and the per-song arrays, memory-mapped.

    Parameters
    ----------
    folder : path-like
        A folder written by the transform stage.

    Raises
    ------
    DataError
        When the folder has no readable index.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.index = read_json(self.folder / INDEX, what="the output of a transform stage")
        self.name: str = self.index["transform"]
        self.window_shape: tuple[int, ...] = tuple(self.index["shape"])
        self.classes: list[str] = sorted({s["label"] for s in self.index["songs"]})
        # the tags a tagger learns (the index of a multi-label task holds them), else None
        self.tags: list[str] | None = self.index.get("tags")

    def tag_matrix(self, songs: list[dict]) -> np.ndarray:
        """Per song of `songs`, 1.0 for each of its tags, shape (n_songs, n_tags)."""
        position = {tag: i for i, tag in enumerate(self.tags or [])}
        matrix = np.zeros((len(songs), len(position)), dtype=np.float32)
        for row, song in enumerate(songs):
            matrix[row, [position[t] for t in song["tags"]]] = 1.0
        return matrix

    def songs(self, split: str | None = None, originals: bool = False) -> list[dict]:
        """Index rows (song_id, label, split, n_windows) of one split, or of all songs; with
        `originals`, without augmented copies."""
        return [s for s in self.index["songs"] if (split is None or s["split"] == split)
                and (not originals or is_original(s))]

    @property
    def folds(self) -> list[str]:
        """The fold names when the dataset was split into k folds (``dataset.split: kfold``)."""
        names = {s["split"] for s in self.index["songs"]}
        return sorted((n for n in names if fold_number(n) is not None), key=fold_number)

    def with_splits(self, mapping: dict[str, str]) -> FeatureSet:
        """The same store, each song's split renamed through `mapping` (e.g. fold2 -> test).
        Augmented copies are kept only where they land in train (a copy of a test song is not
        a test song)."""
        view = copy.copy(self)
        renamed = [{**s, "split": mapping.get(s["split"], s["split"])} for s in self.index["songs"]]
        view.index = {**self.index, "songs": [s for s in renamed
                                              if s["split"] == "train" or is_original(s)]}
        return view

    def path(self, song_id: str) -> Path:
        return self.folder / f"{song_id}.npy"

    def load(self, song_id: str) -> np.ndarray:
        """One song's features, shape (n_windows, *window_shape), memory-mapped.

        Raises
        ------
        DataError
            When the file is missing, damaged or not of the index's shape.
        """
        array = load_array(self.path(song_id))
        if array.shape[1:] != self.window_shape:
            raise DataError(f"{self.path(song_id)}: features of shape {array.shape[1:]} per window; "
                            f"the index says {self.window_shape} (re-run `dvc repro`)")
        return array
