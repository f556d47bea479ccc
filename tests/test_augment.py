"""Pitch shift and time stretch of training songs: train split only, seeded, traceable."""

import numpy as np
import pytest

from genrepipe.audio.effects import augment_signal
from genrepipe.config.params import validate

from conftest import download_stage, segment_stage, tone, transform_stage


SETTINGS = {"copies": 1, "pitch_shift": {"probability": 1.0, "semitones": 2.0},
            "time_stretch": {"probability": 1.0, "rate": 0.2}}


def test_augment_signal_applies_each_effect_with_its_probability():
    y = tone(440, 2.0, 8000)
    shifted, applied = augment_signal(y, 8000, SETTINGS, np.random.default_rng(0))
    assert set(applied) == {"pitch_shift", "time_stretch"}
    assert -2 <= applied["pitch_shift"] <= 2 and 0.8 <= applied["time_stretch"] <= 1.2
    assert shifted.size == pytest.approx(y.size / applied["time_stretch"], rel=0.01)
    off = {**SETTINGS, "pitch_shift": {"probability": 0.0, "semitones": 2.0},
           "time_stretch": {"probability": 0.0, "rate": 0.2}}
    same, applied = augment_signal(y, 8000, off, np.random.default_rng(0))
    assert applied == {} and np.array_equal(same, y)


def test_pitch_shift_moves_the_pitch():
    y = np.sin(2 * np.pi * 440 * np.arange(16000) / 8000).astype(np.float32)
    settings = {**SETTINGS, "time_stretch": {"probability": 0.0, "rate": 0.0},
                "pitch_shift": {"probability": 1.0, "semitones": 12.0}}
    shifted, applied = augment_signal(y, 8000, settings, np.random.default_rng(5))
    peak = np.argmax(np.abs(np.fft.rfft(shifted))) * 8000 / shifted.size
    assert peak == pytest.approx(440 * 2 ** (applied["pitch_shift"] / 12), rel=0.03)


@pytest.fixture
def tiny(raw_params):
    raw_params.update(sample_rate=8000, window=1, augment=SETTINGS)
    raw_params["dataset"]["demo"].update(songs_per_genre=3, duration=4, genres=["jazz", "metal"])
    raw_params["transforms"] = {"mfcc": {"n_mfcc": 13, "n_mels": 32, "n_fft": 256, "hop_length": 128}}
    raw_params["runs"] = {}
    return validate(raw_params)


def test_only_training_songs_get_copies_and_they_are_seeded(tiny, tmp_path):
    download_stage(tiny, tmp_path / "raw", jobs=2)
    index = segment_stage(tiny, tmp_path / "raw", tmp_path / "w1", jobs=2)
    copies = [s for s in index["songs"] if "~aug" in s["song_id"]]
    originals = [s for s in index["songs"] if "~aug" not in s["song_id"]]
    assert len(originals) == 6
    assert {c["source_song"] for c in copies} == {s["song_id"] for s in originals if s["split"] == "train"}
    assert all(c["split"] == "train" and c["augmented"] for c in copies)
    assert all(s["source_song"] == s["song_id"] for s in originals)
    for copy in copies:
        source = np.load(tmp_path / "w1" / f"{copy['source_song']}.npy")
        augmented = np.load(tmp_path / "w1" / f"{copy['song_id']}.npy")
        assert augmented.shape[1] == source.shape[1] and not np.array_equal(augmented[:1], source[:1])
    again = segment_stage(tiny, tmp_path / "raw", tmp_path / "w2", jobs=1)
    assert again == index
    for copy in copies:
        assert (tmp_path / "w1" / f"{copy['song_id']}.npy").read_bytes() == \
            (tmp_path / "w2" / f"{copy['song_id']}.npy").read_bytes()
    features = transform_stage("mfcc", tiny, tmp_path / "w1", tmp_path / "mfcc", jobs=2)
    assert {s["song_id"] for s in features["songs"]} == {s["song_id"] for s in index["songs"]}
