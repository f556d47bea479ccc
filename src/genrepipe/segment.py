"""Cut songs into rolling windows: the arithmetic, and the per-song writer of the segment stage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audio import read_wav
from .errors import ParameterError
from .store import save_array


def n_windows(n_samples: int, window_samples: int, hop_samples: int) -> int:
    """How many whole windows fit: ``1 + floor((n_samples - window) / hop)``, 0 if none fits.

    Parameters
    ----------
    n_samples : int >= 0
    window_samples : int > 0
    hop_samples : int > 0

    Examples
    --------
    >>> n_windows(30 * 22050, 3 * 22050, 3 * 22050)
    10
    >>> n_windows(30, 10, 5)
    5
    """
    if window_samples <= 0 or hop_samples <= 0:
        raise ParameterError(f"window_samples={window_samples}, hop_samples={hop_samples}: "
                             "expected both > 0")
    if n_samples < window_samples:
        return 0
    return 1 + (n_samples - window_samples) // hop_samples


def frame_signal(y: np.ndarray, window_samples: int, hop_samples: int,
                 pad_short: bool = True) -> np.ndarray:
    """Rolling windows of a mono signal, as a new contiguous float32 array.

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
    window_samples : int > 0
    hop_samples : int > 0
    pad_short : bool
        A signal shorter than one window becomes one zero-padded window (True) or none (False).

    Returns
    -------
    windows : np.ndarray, shape (n_windows, window_samples), float32
        Window ``i`` is ``y[i * hop : i * hop + window]``; samples after the last whole window
        are dropped.
    """
    count = n_windows(y.size, window_samples, hop_samples)
    if count == 0:
        if not pad_short or y.size == 0:
            return np.zeros((0, window_samples), dtype=np.float32)
        padded = np.zeros((1, window_samples), dtype=np.float32)
        padded[0, :y.size] = y
        return padded
    view = np.lib.stride_tricks.sliding_window_view(y, window_samples)[::hop_samples][:count]
    return np.ascontiguousarray(view, dtype=np.float32)


@dataclass(frozen=True)
class SegmentJob:
    """Window one song: read `wav`, write `out_dir/<song_id>.npy`.

    With `augment` set (a tuple of the augment params, the seed, the song's number and the copy
    number), the song is first pitch-shifted / time-stretched and written as
    `<song_id>~aug<copy>`.
    """

    song_id: str
    wav: str
    out_dir: str
    window_samples: int
    hop_samples: int
    pad_short: bool
    augment: tuple | None = None


def segment_song(job: SegmentJob) -> dict:
    """Run one SegmentJob (in a worker); returns the song's row of the windows index."""
    y, sr = read_wav(job.wav)
    song_id, applied = job.song_id, {}
    if job.augment is not None:
        from .augment import augment_signal, augmentation_rng

        settings, seed, number, copy = job.augment
        y, applied = augment_signal(y, sr, settings, augmentation_rng(seed, number, copy))
        song_id = f"{job.song_id}~aug{copy}"
    windows = frame_signal(y, job.window_samples, job.hop_samples, job.pad_short)
    short = y.size < job.window_samples
    if windows.shape[0]:
        save_array(Path(job.out_dir) / f"{song_id}.npy", windows)
    return {"song_id": song_id, "source_song": job.song_id, "n_samples": int(y.size),
            "n_windows": int(windows.shape[0]),
            "short": "padded" if short and windows.shape[0] else ("skipped" if short else ""),
            **({"augmented": applied} if job.augment is not None else {})}


INDEX = "index.json"


def segment_all(params, raw_dir: str | Path, out_dir: str | Path, jobs: int | None = None,
                dask: str | None = None) -> dict:
    """The segment stage: window every song of `raw_dir/manifest.csv` into `out_dir`.

    Returns
    -------
    dict
        The index written to `out_dir/index.json`: window geometry, one row per song with its
        window count, and the songs skipped (shorter than a window with ``segment.short: skip``).
    """
    from .download import MANIFEST
    from .params import hop_seconds
    from .parallel import map_songs
    from .store import read_csv, staging_dir, write_json

    raw_dir = Path(raw_dir).resolve()  # absolute: tasks may run in other processes or machines
    songs = read_csv(raw_dir / MANIFEST)
    window_samples = round(params.window * params.sample_rate)
    hop_samples = round(hop_seconds(params) * params.sample_rate)
    with staging_dir(out_dir) as stage:
        def job(song: dict, augment: tuple | None = None) -> SegmentJob:
            return SegmentJob(song["song_id"], str(raw_dir / song["path"]), str(stage),
                              window_samples, hop_samples, params.segment.short == "pad", augment)

        settings = params.augment.to_dict()
        tasks = [(s, job(s)) for s in songs] + [
            (s, job(s, (settings, params.seed, number, copy)))
            for number, s in enumerate(songs) if s["split"] == "train"
            for copy in range(1, params.augment.copies + 1)]
        rows = map_songs(segment_song, [t for _, t in tasks], jobs, desc="segmenting", dask=dask)
        index = {
            "sample_rate": params.sample_rate, "window": params.window, "hop": hop_seconds(params),
            "window_samples": window_samples, "hop_samples": hop_samples,
            "short": params.segment.short, "augment": settings,
            "songs": [{"song_id": row["song_id"], "label": s["label"], "split": s["split"], **row}
                      for (s, _), row in zip(tasks, rows, strict=True) if row["n_windows"]],
            "skipped": [{"song_id": row["song_id"], "reason": "shorter than one window"}
                        for row in rows if not row["n_windows"]],
        }
        write_json(stage / INDEX, index)
    return index
