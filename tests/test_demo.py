"""The synthetic demo set: every recipe renders music-shaped audio, deterministically from the seed."""

import numpy as np
import pytest

from conftest import download_stage, seed_with_every_split
from genrepipe.config.params import validate
from genrepipe.sources.entries.demo import GENRES
from genrepipe.core.store import read_csv
from genrepipe.sources.synth.compose import Grid, plan_song, render_song, song_rng
from genrepipe.sources.synth.instruments import INSTRUMENTS
from genrepipe.sources.synth.styles import STYLES, parse_chord


@pytest.fixture
def tiny_demo(raw_params):
    """Two genres, three 4-second songs each, at 8 kHz, seeded so both have every split."""
    raw_params.update(sample_rate=8000, window=1, seed=seed_with_every_split(["jazz", "metal"], 3))
    raw_params["dataset"]["demo"].update(songs_per_genre=3, duration=4, genres=["jazz", "metal"])
    raw_params["transforms"] = {"mel": {"n_fft": 256, "hop_length": 128, "n_mels": 32}}
    raw_params["runs"] = {}
    return raw_params


def test_recipes_cover_the_gtzan_genres_and_parse():
    assert tuple(sorted(STYLES)) == GENRES
    for style in STYLES.values():
        for progression in style.progressions:
            for symbol in progression.split():
                root, intervals = parse_chord(symbol)
                assert 0 <= root < 12 and intervals[0] == 0
        for part in (style.bass, style.chords, style.melody):
            if part is not None:
                assert all(name in INSTRUMENTS for name in part.instruments)
        assert all(n in STYLES for n in style.neighbours)
        assert style.summary


@pytest.mark.parametrize("genre", GENRES)
def test_every_style_renders_a_sound_song(genre):
    y = render_song(genre, 6.0, 8000, song_rng(0, genre, 1))
    assert y.dtype == np.float32 and y.shape == (48000,)
    assert np.isfinite(y).all()
    assert 0.3 < np.abs(y).max() < 1.0
    # music, not silence or a constant: energy in most half-second frames
    frames = y[: 12 * 4000].reshape(12, 4000)
    assert (np.sqrt((frames ** 2).mean(axis=1)) > 1e-3).sum() >= 8


def test_tempo_and_swing_follow_the_recipe():
    for genre in GENRES:
        style = STYLES[genre]
        for index in range(6):
            plan = plan_song(style, 30.0, 8000, song_rng(3, genre, index))
            low, high = style.tempo
            if "tempo" not in plan.borrowed:
                assert low <= plan.grid.tempo <= high
            assert plan.grid.meter in style.meters


def test_swing_delays_the_offbeat():
    straight = Grid(tempo=120, meter=4, swing=0.5, swing_unit=8, offset=0.0, sr=8000)
    swung = Grid(tempo=120, meter=4, swing=2 / 3, swing_unit=8, offset=0.0, sr=8000)
    assert straight.time(0, 2) == pytest.approx(0.25)
    assert swung.time(0, 2) == pytest.approx(1 / 3)
    assert swung.time(1, 0) == pytest.approx(2.0)


def test_same_seed_same_bytes_other_seed_differs(tiny_demo, tmp_path):
    first = download_stage(validate(tiny_demo), tmp_path / "a", jobs=2)
    again = download_stage(validate(tiny_demo), tmp_path / "b", jobs=1)
    assert [s.md5 for s in first] == [s.md5 for s in again]
    assert (tmp_path / "a/manifest.csv").read_bytes() == (tmp_path / "b/manifest.csv").read_bytes()
    tiny_demo["seed"] = 7
    other = download_stage(validate(tiny_demo), tmp_path / "c", jobs=2)
    assert not {s.md5 for s in first} & {s.md5 for s in other}


def test_demo_manifest_and_split(tiny_demo, tmp_path):
    songs = download_stage(validate(tiny_demo), tmp_path / "raw", jobs=2)
    rows = read_csv(tmp_path / "raw/manifest.csv")
    assert [r["song_id"] for r in rows] == [f"{g}.{i:05d}" for g in ("jazz", "metal") for i in range(3)]
    assert all((tmp_path / "raw" / r["path"]).is_file() for r in rows)
    assert {float(r["duration_s"]) for r in rows} == {4.0}
    for genre in ("jazz", "metal"):
        assert sorted(s.split for s in songs if s.label == genre) == ["test", "train", "valid"]
    assert [r["group"] for r in rows] == [r["song_id"] for r in rows]
    assert read_csv(tmp_path / "raw/skipped.csv") == []


def test_the_docs_describe_each_recipe_as_the_code_does():
    from conftest import ROOT

    readme = (ROOT / "docs/sources.md").read_text()  # the README links it
    assert "synthetic" in readme
    for name, style in STYLES.items():
        assert f"| {name} | {style.summary} |" in readme
