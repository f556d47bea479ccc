"""Small sound-synthesis toolkit for the demo set: pitched notes, drums, filters and mixing.

Everything is plain NumPy/SciPy on float64 buffers at the song's sample rate, driven by a
`numpy.random.Generator`, so one seed gives one waveform on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfilt


def midi_to_hz(note: float) -> float:
    """Frequency of a MIDI note number (69 = A4 = 440 Hz)."""
    return 440.0 * 2.0 ** ((note - 69.0) / 12.0)


@dataclass(frozen=True)
class Timbre:
    """How a pitched instrument sounds.

    amps: amplitude of each harmonic partial (1 = fundamental);
    attack: seconds to full level; decay: time constant of the exponential decay in seconds
    (None: held at full level for the note length, like an organ or a bowed string);
    damp: extra decay rate per partial index (1/s), which makes plucked tones darken;
    vibrato: (rate in Hz, depth as a fraction of the frequency); drive: tanh distortion
    gain (0: clean); release: fade-out after the note ends, seconds; inharm: stretch of the
    partial series (pianos and strings are slightly sharp in their upper partials).
    """

    amps: tuple[float, ...]
    attack: float = 0.005
    decay: float | None = 0.5
    damp: float = 0.0
    vibrato: tuple[float, float] = (0.0, 0.0)
    drive: float = 0.0
    release: float = 0.05
    inharm: float = 0.0


def ramp_envelope(n: int, sr: int, attack: float, decay: float | None,
                  hold: int, release: float) -> np.ndarray:
    """Attack ramp, then exponential decay (or a hold of `hold` samples), then a release ramp."""
    t = np.arange(n) / sr
    env = np.ones(n) if decay is None else np.exp(-t / decay)
    n_attack = min(n, max(1, int(attack * sr)))
    env[:n_attack] *= np.linspace(0.0, 1.0, n_attack)
    n_release = min(n - min(hold, n), max(1, int(release * sr)))
    if n_release > 0:
        env[n - n_release:] *= np.linspace(1.0, 0.0, n_release)
    return env


def render_note(timbre: Timbre, note: float, duration: float, sr: int,
                rng: np.random.Generator) -> np.ndarray:
    """One note: a sum of harmonic partials shaped by the timbre's envelope.

    Parameters
    ----------
    timbre : Timbre
    note : float
        MIDI note number (fractional for microtones).
    duration : float > 0
        Seconds the note is held; the release is added after it.
    sr : int > 0
    rng : numpy.random.Generator
        For the partials' random starting phases.

    Returns
    -------
    np.ndarray, shape (n_samples,)
    """
    hold = max(1, int(duration * sr))
    n = hold + int(timbre.release * sr)
    t = np.arange(n) / sr
    f0 = midi_to_hz(note)
    rate, depth = timbre.vibrato
    phase = 2 * np.pi * f0 * t
    if depth > 0:
        phase += f0 * depth / rate * np.sin(2 * np.pi * rate * t)
    out = np.zeros(n)
    for k, amp in enumerate(timbre.amps, start=1):
        ratio = k * np.sqrt(1.0 + timbre.inharm * k * k)
        if f0 * ratio >= 0.45 * sr or amp == 0:
            continue
        partial = amp * np.sin(ratio * phase + rng.uniform(0, 2 * np.pi))
        if timbre.damp:
            partial *= np.exp(-t * timbre.damp * (k - 1))
        out += partial
    out *= ramp_envelope(n, sr, timbre.attack, timbre.decay, hold, timbre.release)
    return out


def distort(x: np.ndarray, drive: float) -> np.ndarray:
    """Soft clipping (tanh) normalised so a full-scale input stays near full scale."""
    if drive <= 0:
        return x
    return np.tanh(drive * x) / np.tanh(drive)


def _sos(kind: str, cutoff: float | tuple[float, float], sr: int, order: int = 2):
    nyquist = 0.5 * sr
    if isinstance(cutoff, tuple):
        low, high = (min(max(c, 10.0), 0.95 * nyquist) for c in cutoff)
        return butter(order, [low, max(high, low * 1.1)], btype=kind, fs=sr, output="sos")
    return butter(order, min(max(cutoff, 10.0), 0.95 * nyquist), btype=kind, fs=sr, output="sos")


def lowpass(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth low-pass; cutoffs beyond Nyquist are clamped."""
    return sosfilt(_sos("lowpass", cutoff, sr, order), x)


def highpass(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth high-pass; cutoffs beyond Nyquist are clamped."""
    return sosfilt(_sos("highpass", cutoff, sr, order), x)


def bandpass(x: np.ndarray, low: float, high: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth band-pass between `low` and `high` Hz."""
    return sosfilt(_sos("bandpass", (low, high), sr, order), x)


def add_at(track: np.ndarray, sound: np.ndarray, start: int, gain: float = 1.0) -> None:
    """Mix `sound` into `track` from sample `start`, cutting what falls outside."""
    if start >= track.size or start + sound.size <= 0:
        return
    lo = max(0, start)
    hi = min(track.size, start + sound.size)
    track[lo:hi] += gain * sound[lo - start:hi - start]


def rms(x: np.ndarray) -> float:
    """Root mean square level."""
    return float(np.sqrt(np.mean(x * x))) if x.size else 0.0


# --- drums: each returns one hit, randomised by `rng` so every song's kit differs -----------

def kick(sr: int, rng: np.random.Generator, punch: float = 1.0) -> np.ndarray:
    """A falling sine (150 -> 50 Hz) with a short click: the bass drum."""
    n = int(0.45 * sr)
    t = np.arange(n) / sr
    f_start, f_end = rng.uniform(110, 170), rng.uniform(42, 60)
    sweep = rng.uniform(0.02, 0.05)
    freq = f_end + (f_start - f_end) * np.exp(-t / sweep)
    body = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / rng.uniform(0.12, 0.3))
    click = highpass(rng.standard_normal(n), 1500, sr) * np.exp(-t / 0.004) * 0.3 * punch
    return body + click


def snare(sr: int, rng: np.random.Generator, brush: bool = False) -> np.ndarray:
    """Band-passed noise plus a short 180-240 Hz tone; `brush` gives a soft, long swish."""
    n = int(0.35 * sr)
    t = np.arange(n) / sr
    noise = rng.standard_normal(n)
    if brush:
        swish = bandpass(noise, 2000, 9000, sr) * np.exp(-t / rng.uniform(0.08, 0.15))
        return 0.5 * swish * np.minimum(1.0, t / 0.01)
    wires = bandpass(noise, rng.uniform(1500, 2500), 9000, sr) * np.exp(-t / rng.uniform(0.05, 0.12))
    tone = np.sin(2 * np.pi * rng.uniform(170, 240) * t) * np.exp(-t / 0.04)
    return 0.8 * wires + 0.6 * tone


def clap(sr: int, rng: np.random.Generator) -> np.ndarray:
    """Three quick noise bursts and a tail, band-passed: a hand clap."""
    n = int(0.3 * sr)
    t = np.arange(n) / sr
    env = np.exp(-t / 0.06)
    for delay in (0.0, 0.011, 0.023):
        d = int(delay * sr)
        env[d:d + int(0.008 * sr)] += 1.0
    return bandpass(rng.standard_normal(n), 900, 5000, sr) * env * 0.6


def hihat(sr: int, rng: np.random.Generator, open_: bool = False) -> np.ndarray:
    """High-passed noise with a very short (closed) or longer (open) decay."""
    n = int((0.45 if open_ else 0.12) * sr)
    t = np.arange(n) / sr
    decay = rng.uniform(0.15, 0.3) if open_ else rng.uniform(0.02, 0.05)
    return highpass(rng.standard_normal(n), rng.uniform(6000, 8500), sr) * np.exp(-t / decay) * 0.5


def cymbal(sr: int, rng: np.random.Generator, ride: bool = True) -> np.ndarray:
    """Inharmonic metallic partials plus bright noise: a ride (ping) or a crash (wash)."""
    n = int((1.2 if ride else 2.0) * sr)
    t = np.arange(n) / sr
    base = rng.uniform(380, 520)
    ratios = (1.0, 1.47, 1.93, 2.51, 3.12, 3.76, 4.4)
    ping = sum(np.sin(2 * np.pi * base * r * t + rng.uniform(0, 6.28)) / (1 + i)
               for i, r in enumerate(ratios))
    wash = highpass(rng.standard_normal(n), 5000, sr)
    if ride:
        return (0.25 * ping * np.exp(-t / 0.5) + 0.3 * wash * np.exp(-t / 0.25)) * 0.6
    return (0.15 * ping + 0.7 * wash) * np.exp(-t / rng.uniform(0.6, 1.1)) * 0.6


def rimshot(sr: int, rng: np.random.Generator) -> np.ndarray:
    """A short woody click (cross-stick), as in reggae's one drop."""
    n = int(0.1 * sr)
    t = np.arange(n) / sr
    tone = np.sin(2 * np.pi * rng.uniform(700, 1000) * t) * np.exp(-t / 0.015)
    click = bandpass(rng.standard_normal(n), 2000, 6000, sr) * np.exp(-t / 0.005)
    return 0.7 * tone + 0.4 * click


def drum_kit(sr: int, rng: np.random.Generator, brush: bool = False) -> dict[str, np.ndarray]:
    """One song's kit: every drum sound rendered once, to be mixed in at each hit."""
    return {
        "kick": kick(sr, rng),
        "snare": snare(sr, rng, brush=brush),
        "clap": clap(sr, rng),
        "hat": hihat(sr, rng),
        "open_hat": hihat(sr, rng, open_=True),
        "ride": cymbal(sr, rng, ride=True),
        "crash": cymbal(sr, rng, ride=False),
        "rim": rimshot(sr, rng),
    }
