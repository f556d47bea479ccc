"""Pitched instruments of the demo set, each a `Timbre` randomised per song.

Every factory takes the song's random generator, so two songs of one style never share
exactly the same piano or guitar, and a seed always gives the same one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .sound import Timbre

Rng = np.random.Generator


def _series(n: int, slope: float, odd_only: bool = False) -> tuple[float, ...]:
    """Partial amplitudes 1/k**slope (a sawtooth for slope=1; odd partials only: a square)."""
    return tuple(0.0 if odd_only and k % 2 == 0 else 1.0 / k ** slope for k in range(1, n + 1))


def piano(rng: Rng) -> Timbre:
    return Timbre(_series(12, rng.uniform(1.1, 1.6)), attack=0.003, decay=rng.uniform(0.6, 1.4),
                  damp=rng.uniform(1.5, 4.0), release=0.15, inharm=rng.uniform(5e-5, 3e-4))


def electric_piano(rng: Rng) -> Timbre:
    return Timbre((1.0, 0.35, 0.08, 0.12 * rng.uniform(0.5, 1.5), 0.03, 0.02), attack=0.004,
                  decay=rng.uniform(0.8, 1.6), damp=rng.uniform(1.0, 3.0), release=0.2,
                  vibrato=(rng.uniform(4, 6), rng.uniform(0.0, 0.002)))


def organ(rng: Rng) -> Timbre:
    drawbars = (1.0, rng.uniform(0.4, 1.0), rng.uniform(0.2, 0.7), 0.5, 0.0,
                rng.uniform(0.1, 0.4), 0.0, rng.uniform(0.1, 0.3))
    return Timbre(drawbars, attack=0.008, decay=None, release=0.04)


def strings(rng: Rng) -> Timbre:
    return Timbre(_series(14, rng.uniform(1.0, 1.4)), attack=rng.uniform(0.12, 0.35), decay=None,
                  vibrato=(rng.uniform(5.0, 6.5), rng.uniform(0.002, 0.006)),
                  release=rng.uniform(0.2, 0.4))


def violin(rng: Rng) -> Timbre:
    return Timbre(_series(16, rng.uniform(0.8, 1.1)), attack=rng.uniform(0.05, 0.12), decay=None,
                  vibrato=(rng.uniform(5.5, 7.0), rng.uniform(0.005, 0.01)), release=0.15)


def flute(rng: Rng) -> Timbre:
    return Timbre((1.0, rng.uniform(0.1, 0.3), 0.08, 0.03), attack=rng.uniform(0.04, 0.08),
                  decay=None, vibrato=(rng.uniform(4.5, 5.5), rng.uniform(0.003, 0.006)),
                  release=0.1)


def fiddle(rng: Rng) -> Timbre:
    return Timbre(_series(18, rng.uniform(0.7, 0.95)), attack=0.03, decay=None,
                  vibrato=(rng.uniform(6.0, 7.5), rng.uniform(0.006, 0.012)), release=0.08)


def sax(rng: Rng) -> Timbre:
    amps = (1.0, 0.9, 0.7, rng.uniform(0.4, 0.7), 0.45, 0.3, 0.25, 0.15, 0.1, 0.08)
    return Timbre(amps, attack=rng.uniform(0.02, 0.05), decay=None,
                  vibrato=(rng.uniform(4.5, 5.5), rng.uniform(0.003, 0.008)),
                  release=0.08, drive=rng.uniform(0.0, 1.5))


def synth_lead(rng: Rng) -> Timbre:
    return Timbre(_series(12, 1.0, odd_only=rng.random() < 0.5), attack=0.01, decay=None,
                  vibrato=(rng.uniform(5, 6), rng.uniform(0.0, 0.005)), release=0.06)


def synth_pad(rng: Rng) -> Timbre:
    return Timbre(_series(10, rng.uniform(1.3, 1.8)), attack=rng.uniform(0.2, 0.5), decay=None,
                  vibrato=(rng.uniform(0.3, 1.0), 0.003), release=0.5)


def clean_guitar(rng: Rng) -> Timbre:
    return Timbre(_series(14, rng.uniform(0.9, 1.3)), attack=0.002, decay=rng.uniform(0.5, 1.0),
                  damp=rng.uniform(4.0, 8.0), release=0.06, inharm=1e-4)


def twang_guitar(rng: Rng) -> Timbre:
    amps = tuple(a * (1.6 if 2 <= k <= 5 else 1.0) for k, a in enumerate(_series(16, 0.8), start=1))
    return Timbre(amps, attack=0.001, decay=rng.uniform(0.3, 0.6), damp=rng.uniform(6.0, 10.0),
                  release=0.04, inharm=2e-4)


def overdrive_guitar(rng: Rng) -> Timbre:
    return Timbre(_series(12, 1.0), attack=0.003, decay=rng.uniform(0.8, 2.0),
                  damp=rng.uniform(1.0, 3.0), drive=rng.uniform(1.5, 4.0), release=0.05)


def rock_guitar(rng: Rng) -> Timbre:
    return Timbre(_series(12, 1.0), attack=0.002, decay=rng.uniform(1.0, 3.0),
                  damp=rng.uniform(0.5, 2.0), drive=rng.uniform(3.0, 9.0), release=0.04)


def metal_guitar(rng: Rng) -> Timbre:
    return Timbre(_series(12, 1.0), attack=0.001, decay=rng.uniform(1.5, 4.0),
                  damp=rng.uniform(0.5, 1.5), drive=rng.uniform(7.0, 20.0), release=0.03)


def finger_bass(rng: Rng) -> Timbre:
    return Timbre((1.0, rng.uniform(0.3, 0.6), 0.2, 0.1, 0.05), attack=0.005,
                  decay=rng.uniform(0.4, 0.9), damp=rng.uniform(2.0, 5.0), release=0.05)


def upright_bass(rng: Rng) -> Timbre:
    return Timbre((1.0, 0.6, 0.3, 0.12, 0.05), attack=0.01, decay=rng.uniform(0.25, 0.45),
                  damp=3.0, release=0.05)


def synth_bass(rng: Rng) -> Timbre:
    return Timbre(_series(10, rng.uniform(1.0, 1.5)), attack=0.004, decay=rng.uniform(0.2, 0.5),
                  damp=rng.uniform(3.0, 8.0), release=0.03)


def sub_bass(rng: Rng) -> Timbre:
    return Timbre((1.0, rng.uniform(0.05, 0.2), 0.03), attack=0.008, decay=rng.uniform(0.8, 2.0),
                  release=0.08, drive=rng.uniform(0.0, 1.0))


def cello(rng: Rng) -> Timbre:
    return Timbre(_series(14, 1.1), attack=rng.uniform(0.1, 0.25), decay=None,
                  vibrato=(rng.uniform(4.5, 6.0), rng.uniform(0.002, 0.005)), release=0.3)


INSTRUMENTS: dict[str, Callable[[Rng], Timbre]] = {
    f.__name__: f for f in (
        piano, electric_piano, organ, strings, violin, flute, fiddle, sax, synth_lead,
        synth_pad, clean_guitar, twang_guitar, overdrive_guitar, rock_guitar, metal_guitar,
        finger_bass, upright_bass, synth_bass, sub_bass, cello)
}
