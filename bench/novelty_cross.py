"""The figures of docs/evaluation.md#unknown: how far sounds unlike music, other collections and
genres left out of training lie from a project's training songs (distance over the novelty
stage's threshold; > 1: unknown).

    python bench/novelty_cross.py clips PROJECT            noise, quiet noise, 440 Hz, speech, silence
    python bench/novelty_cross.py folder PROJECT FOLDER    the share of FOLDER's songs found unknown
    python bench/novelty_cross.py leave-out PROJECT        each genre judged by the others' range

PROJECT: a project after `dvc repro` (its models/novelty and data/windows); FOLDER: audio files,
searched recursively (another project's data/raw, say).
"""

from __future__ import annotations

import sys
import tempfile
from functools import partial
from pathlib import Path

import numpy as np
import soundfile as sf

from genrepipe.audio.decode import BadAudio, canonical, load_audio
from genrepipe.core.parallel import map_songs
from genrepipe.dataset.featureset import is_original, read_windows_index
from genrepipe.novelty.detector import unknown_rate
from genrepipe.novelty.record import Detector
from genrepipe.pipeline.novelty import describe_song, fit_range
from genrepipe.sources.files import library_files

SPEECH = Path(__file__).resolve().parents[1] / "tests/data/speech.wav"


def ratio(detector: Detector, path: Path) -> float | str:
    """`path`'s distance over the threshold, as `genrepipe predict` computes it."""
    geometry = detector.geometry
    try:
        y = canonical(load_audio(path, geometry.sample_rate), geometry.sample_rate)
    except BadAudio as exc:
        return f"unknown: {exc}"
    return detector.judge(geometry.describe(y)).ratio


def sounds(folder: Path) -> list[Path]:
    """Noise, quiet noise, a 440 Hz sine and silence (10 s at 22050 Hz) written to `folder`, and
    the committed speech clip."""
    sr, rng = 22050, np.random.default_rng(0)
    t = np.arange(10 * sr) / sr
    made = {"noise (0.3 RMS)": 0.3 * rng.standard_normal(t.size),
            "quiet noise (0.001 RMS)": 0.001 * rng.standard_normal(t.size),
            "440 Hz sine": 0.5 * np.sin(2 * np.pi * 440 * t), "silence": np.zeros(t.size)}
    for name, y in made.items():
        sf.write(folder / f"{name}.wav", y, sr)
    return [folder / f"{name}.wav" for name in made] + [SPEECH]


def clips(project: Path) -> None:
    detector = Detector.read(project / "models/novelty")
    with tempfile.TemporaryDirectory() as folder:
        for path in sounds(Path(folder)):
            value = ratio(detector, path)
            print(f"{path.stem:<24} {value if isinstance(value, str) else f'{value:.2f}'}")


def folder(project: Path, songs: Path) -> None:
    detector = Detector.read(project / "models/novelty")
    paths = [item.path for item in library_files([songs])]
    values = map_songs(partial(ratio, detector), paths, desc="judge")
    flags = [isinstance(v, str) or v > 1 for v in values]
    rate = unknown_rate(flags)
    print(f"{songs}: {rate['unknown']} of {rate['songs']} unknown, {rate['rate']:.1%} "
          f"[{rate['rate_lo']:.1%}, {rate['rate_hi']:.1%}]")


def leave_out(project: Path) -> None:
    """Each genre's songs against the range and threshold of the others, fitted as the stage
    fits them (`pipeline.novelty.fit_range`)."""
    windows = project / "data/windows"
    index = read_windows_index(windows)
    songs = [s for s in index["songs"] if is_original(s)]
    descriptors = np.array(map_songs(partial(describe_song, sample_rate=index["sample_rate"]),
                                     [str(windows / f"{s['song_id']}.npy") for s in songs], desc="describe"))
    labels, splits = np.array([s["label"] for s in songs]), [s["split"] for s in songs]
    flags = []
    for genre in sorted(set(labels)):
        known = labels != genre
        fitted = fit_range(descriptors[known], [s for s, k in zip(splits, known) if k])
        out = fitted.range.distance(descriptors[~known]) > fitted.threshold
        flags += list(out)
        print(f"{genre:<20} {int(out.sum())} of {int((~known).sum())} unknown")
    rate = unknown_rate(flags)
    print(f"all: {rate['unknown']} of {rate['songs']}, {rate['rate']:.1%} [{rate['rate_lo']:.1%}, "
          f"{rate['rate_hi']:.1%}]")


def main() -> None:
    command, project, *rest = sys.argv[1:]
    {"clips": clips, "folder": folder, "leave-out": leave_out}[command](Path(project), *map(Path, rest))


if __name__ == "__main__":
    main()
