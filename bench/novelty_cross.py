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
from genrepipe.audio.windows import frame_signal
from genrepipe.core.parallel import map_songs
from genrepipe.dataset.featureset import is_original, read_windows_index
from genrepipe.novelty.descriptor import describe
from genrepipe.novelty.detector import Range, held_out_distances, threshold, unknown_rate
from genrepipe.novelty.record import Detector
from genrepipe.pipeline.novelty import describe_song
from genrepipe.sources.files import library_files

SPEECH = Path(__file__).resolve().parents[1] / "tests/data/speech.wav"


def ratio(detector: Detector, path: Path) -> float | str:
    """`path`'s distance over the threshold, as `genrepipe predict` computes it."""
    try:
        y = canonical(load_audio(path, detector.sample_rate), detector.sample_rate)
    except BadAudio as exc:
        return f"unknown: {exc}"
    windows = frame_signal(y, detector.window_samples, detector.hop_samples, pad_short=True)
    return detector.judge(describe(windows, detector.sample_rate)).ratio


def clips(project: Path) -> None:
    detector = Detector.read(project / "models/novelty")
    sr, rng = 22050, np.random.default_rng(0)
    t = np.arange(10 * sr) / sr
    sounds = {"noise (0.3 RMS)": 0.3 * rng.standard_normal(t.size),
              "quiet noise (0.001 RMS)": 0.001 * rng.standard_normal(t.size),
              "440 Hz sine": 0.5 * np.sin(2 * np.pi * 440 * t), "silence": np.zeros(t.size)}
    with tempfile.TemporaryDirectory() as folder:
        for name, y in sounds.items():
            sf.write(Path(folder) / f"{name}.wav", y, sr)
        paths = [Path(folder) / f"{name}.wav" for name in sounds] + [SPEECH]
        for path in paths:
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
    """Each genre's songs against the range and threshold of the others (set as the stage sets
    it: each fold, or the valid songs, against the rest)."""
    windows = project / "data/windows"
    index = read_windows_index(windows)
    songs = [s for s in index["songs"] if is_original(s)]
    descriptors = np.array(map_songs(partial(describe_song, sample_rate=index["sample_rate"]),
                                     [str(windows / f"{s['song_id']}.npy") for s in songs], desc="describe"))
    labels, splits = np.array([s["label"] for s in songs]), np.array([s["split"] for s in songs])
    flags = []
    for genre in sorted(set(labels)):
        known = labels != genre
        if "valid" in splits:
            reference = known & (splits == "train")
            line = threshold(Range.of(descriptors[reference]).distance(descriptors[known & (splits == "valid")]))
        else:
            reference = known
            line = threshold(held_out_distances(descriptors[known], list(splits[known])))
        out = Range.of(descriptors[reference]).distance(descriptors[~known]) > line
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
