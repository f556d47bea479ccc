"""The novelty stage: describe how every song sounds (`novelty.descriptor`), learn the training
songs' range and set the line beyond which a song is unknown (`novelty.detector`), on songs
the range did not include.

Writes `models/novelty/novelty.json` (what `genrepipe predict` judges songs with), every
song's distance to `metrics/novelty/songs.csv` and the unknown rates to `metrics/novelty.json`.
The descriptor is the same for every run, so one detector serves every run and the fusion.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from ..core.errors import DataError
from ..core.parallel import map_songs
from ..core.store import load_array, staging_dir, write_csv, write_json
from ..dataset.featureset import is_original, read_windows_index
from ..dataset.split import fold_number
from ..novelty import descriptor
from ..novelty.detector import PERCENTILE, Range, held_out_distances, threshold, unknown_rate
from ..novelty.record import write_record

log = logging.getLogger(__name__)
METRICS = "novelty.json"
SONGS = "songs.csv"


def describe_song(path: str, sample_rate: int) -> np.ndarray:
    return descriptor.describe(load_array(path, mmap=False), sample_rate)


@dataclass(frozen=True)
class Reference:
    """Which songs make the range (`reference`), which set the threshold against it
    (`held_out`, each scored against the songs of the other `groups`, or against the reference),
    and what that is called."""

    reference: np.ndarray
    held_out: np.ndarray
    groups: list[str] | None
    set_on: str
    reference_songs: str


def _reference(splits: list[str]) -> Reference:
    splits = np.asarray(splits)
    folds = sorted({s for s in splits if fold_number(s) is not None}, key=fold_number)
    if folds:
        if len(folds) < 2:
            raise DataError(f"songs in one fold only ({folds[0]}): each fold's range is the other "
                            "folds' songs; expected dataset.folds >= 2 with songs in each")
        every = np.ones(len(splits), bool)
        return Reference(every, every, [str(s) for s in splits], f"every song, against the songs of the other "
                         f"{len(folds) - 1} folds ({len(splits)} songs, {len(folds)} folds)",
                         f"every song ({len(splits)})")
    train, valid = splits == "train", splits == "valid"
    if train.sum() < 2:
        raise DataError(f"{int(train.sum())} train songs: the range of the training songs needs at "
                        "least 2")
    if valid.any():
        return Reference(train, valid, None, f"the valid songs ({int(valid.sum())})",
                         f"the train songs ({int(train.sum())})")
    return Reference(train, train, [str(i) for i in np.flatnonzero(train)],
                     f"each train song against the others ({int(train.sum())}; no valid songs)",
                     f"the train songs ({int(train.sum())})")


@dataclass(frozen=True)
class Fitted:
    """The training songs' `range`, every song's `distance` to it (the held-out songs' to the
    range they were held out of), the `threshold` set on the held-out songs, and which they were."""

    range: Range
    distances: np.ndarray
    threshold: float
    reference: Reference


def fit_range(descriptors: np.ndarray, splits: list[str]) -> Fitted:
    """The detector of songs with these `descriptors` and `splits` (`_reference` says which
    make the range and which set the threshold)."""
    ref = _reference(splits)
    fitted = Range.of(descriptors[ref.reference])
    distances = fitted.distance(descriptors)
    if ref.groups is not None:  # the held-out songs each against the range of the others
        distances[ref.held_out] = held_out_distances(descriptors[ref.held_out], ref.groups)
    return Fitted(fitted, distances, threshold(distances[ref.held_out]), ref)


def fit_novelty(windows_dir: str | Path, model_dir: str | Path, metrics_dir: str | Path,
                jobs: int | None = None, dask: str | None = None) -> dict:
    """Describe every song of `windows_dir` (the segment stage's; augmented copies left out),
    write the detector to `model_dir` and the songs' distances and unknown rates to
    `metrics_dir` (`novelty.json` and `novelty/songs.csv`). Returns the metrics."""
    windows_dir = Path(windows_dir).resolve()
    index = read_windows_index(windows_dir)
    songs = [s for s in index["songs"] if is_original(s)]
    if not songs:
        raise DataError(f"{windows_dir}: no songs to learn the training songs' range from")
    log.info("describing %d songs", len(songs))
    descriptors = np.array(map_songs(partial(describe_song, sample_rate=index["sample_rate"]),
                                     [str(windows_dir / f"{s['song_id']}.npy") for s in songs],
                                     jobs, desc="novelty", dask=dask))
    if not np.isfinite(descriptors).all():
        bad = [s["song_id"] for s, d in zip(songs, descriptors, strict=True) if not np.isfinite(d).all()]
        raise DataError(f"{windows_dir}: songs {', '.join(bad[:5])} give non-finite descriptors")
    splits = [s["split"] for s in songs]
    fitted = fit_range(descriptors, splits)
    line, ref = fitted.threshold, fitted.reference
    unknown = fitted.distances > line
    split_names = np.asarray(splits)
    rates = {split: unknown_rate(unknown[split_names == split]) for split in ("valid", "test")
             if (split_names == split).any()} or {"all": unknown_rate(unknown)}
    record = {
        "what": "how far a song lies outside the training songs' range of how it sounds; beyond "
                "the threshold: unknown (unlike the training songs)",
        "descriptor": {"n_fft": descriptor.N_FFT, "hop_length": descriptor.HOP,
                       "n_mels": descriptor.N_MELS, "n_mfcc": descriptor.N_MFCC,
                       "names": descriptor.NAMES},
        **{k: index[k] for k in ("sample_rate", "window", "hop", "window_samples", "hop_samples")},
        "reference": ref.reference_songs, "threshold": line, "percentile": PERCENTILE,
        "set_on": ref.set_on, "classes": sorted({s["label"] for s in songs}), "rates": rates,
        "range": fitted.range.as_dict(descriptor.NAMES),
    }
    with staging_dir(model_dir) as stage:
        write_record(stage, record)
    metrics_dir = Path(metrics_dir)
    (metrics_dir / "novelty").mkdir(parents=True, exist_ok=True)
    metrics = {"novelty": {"threshold": line, "set_on": ref.set_on, **rates}}
    write_json(metrics_dir / METRICS, metrics)
    write_csv(metrics_dir / "novelty" / SONGS, ["song_id", "label", "split", "distance", "ratio", "unknown"],
              [{"song_id": s["song_id"], "label": s["label"], "split": s["split"],
                "distance": f"{d:.6f}", "ratio": f"{d / line:.6f}", "unknown": "yes" if u else "no"}
               for s, d, u in zip(songs, fitted.distances, unknown, strict=True)])
    for name, rate in rates.items():
        log.info("unknown: %d of %d %s songs (threshold %.3f, set on %s)", rate["unknown"], rate["songs"],
                 name, line, ref.set_on)
    return metrics
