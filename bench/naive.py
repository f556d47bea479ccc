"""The baseline of the transform benchmark: the way the seed pipeline computed features, one
librosa (or NumPy) call per window in a Python loop, in one process, saved per song."""

from __future__ import annotations

from pathlib import Path

import librosa
import numpy as np


def _per_window(compute_one):
    def run(windows_dir: Path, song_ids: list[str], out_dir: Path) -> None:
        for song_id in song_ids:
            windows = np.load(windows_dir / f"{song_id}.npy")
            features = np.stack([compute_one(w) for w in windows]).astype(np.float32)
            np.save(out_dir / f"{song_id}.npy", features)
    return run


def naive_fft(p, sr):
    def one(w):
        spectrum = np.abs(np.fft.rfft(w)) / w.size
        edges = np.linspace(0, spectrum.size, p.n_bins + 1).round().astype(int)
        return np.array([spectrum[a:b].mean() for a, b in zip(edges[:-1], edges[1:])])
    return _per_window(one)


def naive_stft(p, sr):
    return _per_window(lambda w: librosa.amplitude_to_db(
        np.abs(librosa.stft(w, n_fft=p.n_fft, hop_length=p.hop_length)), ref=1.0, top_db=p.top_db))


def naive_mel(p, sr):
    return _per_window(lambda w: librosa.power_to_db(librosa.feature.melspectrogram(
        y=w, sr=sr, n_fft=p.n_fft, hop_length=p.hop_length, n_mels=p.n_mels), ref=1.0, top_db=p.top_db))


def naive_mfcc(p, sr):
    return _per_window(lambda w: librosa.feature.mfcc(
        y=w, sr=sr, n_mfcc=p.n_mfcc, n_fft=p.n_fft, hop_length=p.hop_length, n_mels=p.n_mels))


NAIVE = {"fft": naive_fft, "stft": naive_stft, "mfcc": naive_mfcc, "mel": naive_mel}
