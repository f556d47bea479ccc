"""basic-pitch's network as genrepipe runs it (`pretrained.basic_pitch`: every window's chunks in
one batch) against basic-pitch's own inference (`tests/reference/basic_pitch_reference.npz`, made
by `tests/reference/make_basic_pitch_reference.py` in a throwaway environment), and the two
transforms built on it, `pitch` and `pitchgram`."""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from genrepipe.core.errors import DataError, ParameterError
from genrepipe.pretrained import basic_pitch
from genrepipe.transforms import pitch
from genrepipe.transforms.registry import compute

from conftest import ROOT

pytestmark = pytest.mark.smoke  # CI runs these on Python 3.13 too (outputs vs the originals')

REFERENCE = np.load(ROOT / "tests/reference/basic_pitch_reference.npz")
CLIPS = ("melody", "chords")  # 4 s at 22050 Hz (read as is), 3 s at 44100 Hz (resampled)


def _clip(name: str) -> tuple[np.ndarray, int]:
    return REFERENCE[f"{name}/audio"], int(REFERENCE[f"{name}/sr"])


def _assert_matches_reference(outputs: dict, clip: str) -> None:
    for name in basic_pitch.OUTPUTS:
        np.testing.assert_allclose(outputs[name][0], REFERENCE[f"{clip}/{name}"], rtol=0, atol=1e-5)


@pytest.mark.parametrize("clip", CLIPS)
def test_the_posteriorgrams_are_basic_pitchs_own(clip):
    y, sr = _clip(clip)
    _assert_matches_reference(basic_pitch.posteriorgrams(y[None], sr), clip)


def test_a_wrongly_wired_input_fails_the_comparison(monkeypatch):
    """Chunks cut without basic-pitch's half-overlap of silence in front (the output a few frames
    early), then the note and onset outputs swapped: the comparison must catch both."""
    y, sr = _clip("melody")
    right = basic_pitch.chunks

    def unpadded(x):
        return right(np.concatenate([x[:, basic_pitch.OVERLAP // 2:],
                                     np.zeros((len(x), basic_pitch.OVERLAP // 2), np.float32)], axis=1))

    monkeypatch.setattr(basic_pitch, "chunks", unpadded)
    with pytest.raises(AssertionError):
        _assert_matches_reference(basic_pitch.posteriorgrams(y[None], sr), "melody")
    monkeypatch.setattr(basic_pitch, "chunks", right)
    swapped = {**basic_pitch.ONNX_OUTPUTS, "note": basic_pitch.ONNX_OUTPUTS["onset"],
               "onset": basic_pitch.ONNX_OUTPUTS["note"]}
    monkeypatch.setattr(basic_pitch, "ONNX_OUTPUTS", swapped)
    with pytest.raises(AssertionError):
        _assert_matches_reference(basic_pitch.posteriorgrams(y[None], sr), "melody")


def test_a_song_in_one_batch_equals_its_windows_one_by_one():
    """Equal to float32 rounding (onnxruntime's kernels block a batch by its size), and the same
    bytes every time for the same windows."""
    y, sr = _clip("chords")
    windows = y[: 3 * sr].reshape(3, sr)  # three 1-s windows
    together = basic_pitch.posteriorgrams(windows, sr, ("note",))["note"]
    alone = np.concatenate([basic_pitch.posteriorgrams(w[None], sr, ("note",))["note"] for w in windows])
    assert together.shape == (3, basic_pitch.n_frames(basic_pitch.SR), 88)
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-6)
    assert np.array_equal(together, basic_pitch.posteriorgrams(windows, sr, ("note",))["note"])


def test_a_missing_install_is_one_line_naming_the_fix(monkeypatch, tmp_path):
    find_spec = importlib.util.find_spec
    monkeypatch.setenv("GENREPIPE_WEIGHTS", str(tmp_path))  # nothing extracted there
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "basic_pitch" else find_spec(name, *a))
    with pytest.raises(DataError, match=rf"^basic-pitch: the pretrained network not found \(looked in "
                                        rf"{tmp_path}/basic_pitch\); get them: python -m "
                                        r"genrepipe.pretrained.wheels \(`make venv` runs it\)$"):
        basic_pitch.model_path()
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    basic_pitch.session.cache_clear()
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime: ImportError
    try:
        with pytest.raises(DataError, match=r"^onnxruntime: not installed \(it runs basic-pitch's"):
            basic_pitch.session()
    finally:
        basic_pitch.session.cache_clear()


def test_pitch_summary_reads_the_notes():
    """On basic-pitch's own posteriorgrams: a C major scale and three major triads."""
    parts = pitch.parts(2.0)
    offsets = dict(zip(parts, np.cumsum([0, *parts.values()])))

    def part(vector, name):
        return vector[offsets[name]:offsets[name] + parts[name]]

    scale, chords = (pitch.summary(REFERENCE[f"{c}/note"], REFERENCE[f"{c}/onset"], 2.0)
                     for c in CLIPS)
    assert scale.shape == chords.shape == (sum(parts.values()),)
    assert set(np.flatnonzero(part(scale, "pitch_class_profile") > 0.05)) == {0, 2, 4, 5, 7, 9, 11}
    np.testing.assert_allclose(part(scale, "intervals")[:2], [2 / 7, 5 / 7], atol=0.05)  # E-F, B-C
    assert part(scale, "polyphony")[3] == 1 and part(chords, "polyphony")[3] == 3  # medians
    # inside a triad the strongest key moves between its root and its major third (4 semitones)
    assert np.argmax(part(chords, "intervals")) == 3
    relative = part(chords, "relative_pitch_classes")
    assert relative[0] == part(chords, "pitch_class_profile").max()
    assert part(scale, "onset_autocorrelation")[0] == 1


def test_pitch_vectors_of_a_song_and_of_silence():
    y, sr = _clip("melody")
    vectors = compute("pitch", np.stack([y[:2 * sr], np.zeros(2 * sr, np.float32)]), sr,
                      {"max_lag": 1.0})
    assert vectors.shape == (2, sum(pitch.parts(1.0).values())) and vectors.dtype == np.float32
    assert np.isfinite(vectors).all()
    assert vectors[0, :88].any() and not vectors[1, :88].any()  # nothing sounds in silence


def test_pitchgram_is_the_pooled_note_and_onset_posteriorgrams():
    y, sr = _clip("melody")
    image = compute("pitchgram", y[None], sr, {"time_pool": 2})
    frames = REFERENCE["melody/note"].shape[0] // 2
    assert image.shape == (1, 176, frames)
    note = REFERENCE["melody/note"][:2 * frames].reshape(frames, 2, 88).max(axis=1).T
    np.testing.assert_allclose(image[0, :88], note, atol=1e-5)


@pytest.mark.parametrize("name, block, error", [
    ("pitch", {"max_lag": 3.0}, r"transforms.pitch.max_lag=3.0 is not shorter than one window; "
                                r"expected < window = 3 s"),
    ("pitchgram", {"time_pool": 300}, r"transforms.pitchgram.time_pool=300 pools more frames than "
                                      r"one window has; expected <= 258 \(86 per second\)"),
])
def test_settings_must_fit_in_a_window(raw_params, name, block, error):
    from genrepipe.config.params import validate

    raw_params["transforms"][name] = block
    with pytest.raises(ParameterError, match=error):
        validate(raw_params)


def test_importing_the_transform_loads_no_network():
    """`genrepipe list` and every stage import the entries; only computing features loads it."""
    code = ("import sys; import genrepipe.transforms.entries.pitch, genrepipe.transforms.pitch; "
            "print('onnxruntime' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
