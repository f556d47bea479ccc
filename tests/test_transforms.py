"""Each transform equals a direct librosa (or NumPy) call on a known signal; a batch equals a loop."""

import librosa
import numpy as np
import pytest

from genrepipe.core.errors import ParameterError
from genrepipe.transforms.fft import compute as compute_fft
from genrepipe.transforms.registry import TRANSFORMS, compute

from conftest import tone

SR = 8000
SETTINGS = {
    "fft": {"n_bins": 64},
    "waveform": {"sample_rate": 4000},
    "stft": {"n_fft": 512, "hop_length": 128, "top_db": 80.0},
    "mfcc": {"n_mfcc": 13, "n_mels": 40, "n_fft": 512, "hop_length": 128, "top_db": 80.0},
    "mel": {"n_mels": 40, "n_fft": 512, "hop_length": 128, "top_db": 80.0},
    "tempogram": {"hop_length": 64, "win_length": 96},
    "metre": {"hop_length": 64, "max_lag": 0.5},
}


@pytest.fixture
def windows() -> np.ndarray:
    """Three one-second windows: two tones and a quiet one (where the dB floor matters)."""
    return np.stack([tone(440, sr=SR), tone(1000, sr=SR, amplitude=0.9), tone(220, sr=SR, amplitude=0.001)])


def test_every_transform_is_tested():
    # the pretrained networks' against their originals: test_musicnn.py, test_basic_pitch.py
    assert set(SETTINGS) == set(TRANSFORMS) - {"musicnn", "musicnn_mel", "pitch", "pitchgram"}


@pytest.mark.parametrize("n_fft, hop_length", [(512, 128), (256, 100), (1024, 333), (64, 64)])
def test_one_pass_stft_equals_librosa(windows, n_fft, hop_length):
    from genrepipe.transforms.spectral import stft

    ours = stft(windows, n_fft=n_fft, hop_length=hop_length)
    theirs = librosa.stft(windows, n_fft=n_fft, hop_length=hop_length)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4 * np.abs(theirs).max())


def test_stft_is_librosa_amplitude_to_db(windows):
    y = windows[0]
    expected = librosa.amplitude_to_db(np.abs(librosa.stft(y, n_fft=512, hop_length=128)), ref=1.0, top_db=80)
    # float32 rounding of a one-pass FFT: differences of a few 0.001 dB in the quietest bins
    np.testing.assert_allclose(compute("stft", y, SR, SETTINGS["stft"]), expected, rtol=1e-5, atol=0.01)


def test_mel_is_librosa_power_to_db(windows):
    y = windows[1]
    mel = librosa.feature.melspectrogram(y=y, sr=SR, n_fft=512, hop_length=128, n_mels=40)
    expected = librosa.power_to_db(mel, ref=1.0, top_db=80)
    np.testing.assert_allclose(compute("mel", y, SR, SETTINGS["mel"]), expected, rtol=1e-5, atol=0.01)


def test_mfcc_is_librosa_mfcc(windows):
    y = windows[0]
    expected = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13, n_fft=512, hop_length=128, n_mels=40)
    np.testing.assert_allclose(compute("mfcc", y, SR, SETTINGS["mfcc"]), expected, rtol=1e-4, atol=0.01)


def test_waveform_is_the_window_or_librosa_resample(windows):
    np.testing.assert_array_equal(compute("waveform", windows, SR, {"sample_rate": None}), windows)
    half = compute("waveform", windows[0], SR, {"sample_rate": 4000})
    np.testing.assert_allclose(half, librosa.resample(windows[0], orig_sr=SR, target_sr=4000, res_type="soxr_hq"))
    assert half.shape == (4000,)


def test_fft_bands_of_a_pure_tone():
    n, sr, freq = 8000, 8000, 1000.0
    y = np.sin(2 * np.pi * freq * np.arange(n) / sr).astype(np.float32)
    bands = compute_fft(y, sr, n_bins=4001)  # one band per FFT bin: the plain spectrum
    np.testing.assert_allclose(bands, np.abs(np.fft.rfft(y)) / n, atol=1e-6)
    assert np.argmax(bands) == 1000 and bands[1000] == pytest.approx(0.5, abs=1e-3)
    coarse = compute_fft(y, sr, n_bins=8)  # 500 Hz wide bands: 1000 Hz lies in band 2
    assert np.argmax(coarse) == 2
    assert coarse.sum() * 500 == pytest.approx(bands.sum(), rel=0.01)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_batch_equals_loop(windows, name):
    batch = compute(name, windows, SR, SETTINGS[name])
    loop = np.stack([compute(name, w, SR, SETTINGS[name]) for w in windows])
    assert batch.shape == loop.shape and batch.shape[0] == 3
    np.testing.assert_allclose(batch, loop, rtol=1e-5, atol=1e-4)


def test_top_db_floors_each_window_on_its_own(windows):
    """A quiet window is floored against its own peak, not against a loud neighbour's."""
    loud = windows[1]
    batch = np.stack([loud, 1e-3 * loud])  # the same sound 60 dB lower
    floored = compute("mel", batch, SR, SETTINGS["mel"])
    for image in floored:
        assert image.max() - image.min() <= 80.0 + 1e-3
    np.testing.assert_allclose(floored[1], floored[0] - 60.0, atol=0.01)
    whole_batch = librosa.power_to_db(
        librosa.feature.melspectrogram(y=batch, sr=SR, n_fft=512, hop_length=128, n_mels=40), top_db=80)
    assert whole_batch[1].min() > floored[1].min() + 1  # librosa's default would clip the quiet one


def test_dtype_key_is_ignored_and_unknown_transform_refused(windows):
    assert compute("fft", windows, SR, {"n_bins": 8, "dtype": "float16"}).shape == (3, 8)
    with pytest.raises(ParameterError, match="transform='cqt' is not supported; expected one of: fft, mel, metre, mfcc, musicnn, musicnn_mel, pitch, pitchgram, stft, tempogram, waveform"):
        compute("cqt", windows, SR, {})
    with pytest.raises(ParameterError, match=r"^params.yaml: transforms.fft.n_bins=5000 is out of "
                                             r"range; expected 1 to \d+ \(window samples / 2 \+ 1\)$"):
        compute_fft(windows, SR, n_bins=5000)


@pytest.mark.parametrize("name", ["stft", "mel", "mfcc"])
def test_cache_sized_blocks_equal_one_block(windows, name, monkeypatch):
    """Spectral transforms run block by block of windows; the blocks' seams change nothing, for
    any leading shape."""
    import genrepipe.transforms.spectral as spectral

    stack = np.stack([windows, windows[::-1]])  # (2, 3, n_samples)
    monkeypatch.setattr(spectral, "_BLOCK_BYTES", 1 << 40)
    whole = compute(name, stack, SR, SETTINGS[name])
    monkeypatch.setattr(spectral, "_BLOCK_BYTES", 1)  # one window per block
    blocks = compute(name, stack, SR, SETTINGS[name])
    assert blocks.shape == whole.shape and blocks.shape[:2] == (2, 3)
    np.testing.assert_array_equal(blocks, whole)


def test_tempogram_finds_the_beat_period():
    """Clicks every 0.5 s and every 0.333 s: the strongest lag is the period, in hops."""
    sr, settings = 22050, {"hop_length": 256, "win_length": 192}
    for period in (0.5, 0.333):
        y = clicks(int(3 / period), accent_every=1, bpm=60 / period, sr=sr)
        profile = compute("tempogram", y[None], sr, settings)[0].mean(axis=-1)
        assert abs(np.argmax(profile[10:]) + 10 - period * sr / 256) <= 1


def clicks(beats: int, accent_every: int, bpm: float = 120.0, sr: int = 22050) -> np.ndarray:
    """Three seconds of 1 kHz clicks at `bpm` from 0.1 s on, every `accent_every`-th one with a
    burst of noise on top (onset strength is a mean over mel bands: the burst lights them all)."""
    envelope = np.hanning(200)
    click = envelope * np.sin(2 * np.pi * 1000 * np.arange(200) / sr)
    burst = envelope * np.random.default_rng(0).standard_normal(200)
    y = np.zeros(3 * sr + 200, np.float32)
    for beat in range(beats):
        start = int((0.1 + beat * 60 / bpm) * sr)
        y[start:start + 200] += click + (burst if beat % accent_every == 0 else 0)
    return y[:3 * sr]


def test_metre_sees_the_beat_and_whether_bars_are_in_two_or_three():
    from genrepipe.transforms.metre import RATIOS, parts

    sr, settings = 22050, {"hop_length": 256, "max_lag": 2.0}
    layout = parts(sr, **settings)
    assert list(layout) == ["autocorrelation", "tempogram_ratio", "beat_ratios", "tempo"]
    even, duple, triple = compute("metre", np.stack([clicks(6, 1), clicks(6, 2), clicks(6, 3)]),
                                  sr, settings)
    assert even.shape == (sum(layout.values()),) and np.isfinite(even).all()
    # the strongest period: the beat of even clicks, the bar when every 2nd or 3rd is accented
    assert np.array([even[-1], duple[-1], triple[-1]]) * 240 == pytest.approx([120, 60, 40], abs=2)
    at = {r: i for i, r in enumerate(RATIOS)}
    start = layout["autocorrelation"] + layout["tempogram_ratio"]
    duple_at, triple_at = duple[start:start + len(RATIOS)], triple[start:start + len(RATIOS)]
    assert duple_at[at[1 / 2]] > 0.3 > duple_at[at[1 / 3]]  # a bar of two beats
    assert triple_at[at[1 / 3]] > 0.3 > triple_at[at[1 / 2]]  # ... of three
    silent = compute("metre", np.zeros((1, 3 * sr), np.float32), sr, settings)
    assert np.isfinite(silent).all() and not silent[0, start:].any()


def test_metre_lags_must_fit_in_a_window(raw_params):
    from genrepipe.config.params import validate

    raw_params["transforms"]["metre"] = {"max_lag": 3.0}
    with pytest.raises(ParameterError, match=r"transforms.metre.max_lag=3.0 is not shorter than one "
                                             r"window; expected < window = 3 s"):
        validate(raw_params)
