"""Compose the synthetic demo songs: GTZAN-shaped pieces rendered from the recipes in `styles`.

Each song draws a tempo, key, swing, groove, chord progression, instruments and mix from its
style's recipe; a quarter of the songs also borrow one element (groove, chords, progression or
tempo) from a neighbouring style, so the styles overlap and the task is not trivial. One
(seed, genre, index) triple always gives the same waveform, whatever order songs are made in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import sound as synth
from .instruments import INSTRUMENTS
from .styles import SCALES, STYLES, Part, Style, parse_chord

STEPS_PER_BEAT = 4
BORROW_PROBABILITY = 0.25
_VELOCITY = {"X": 1.0, "x": 0.75, "o": 0.3}


def song_rng(seed: int, genre: str, index: int) -> np.random.Generator:
    """The random generator of one demo song, independent of every other song's."""
    genre_number = sorted(STYLES).index(genre)
    return np.random.default_rng(np.random.SeedSequence([seed, genre_number, index]))


@dataclass(frozen=True)
class Grid:
    """Where each sixteenth-note step of each bar falls, in samples, with swing and a human feel."""

    tempo: float
    meter: int
    swing: float
    swing_unit: int
    offset: float
    sr: int

    @property
    def beat(self) -> float:
        return 60.0 / self.tempo

    @property
    def steps(self) -> int:
        return self.meter * STEPS_PER_BEAT

    @property
    def bar(self) -> float:
        return self.meter * self.beat

    def time(self, bar: int, step: int) -> float:
        """Seconds from the start of the song to `step` of `bar`."""
        beat, sub = divmod(step, STEPS_PER_BEAT)
        s = self.swing
        if self.swing_unit == 8:
            fraction = (0.0, s / 2, s, s + (1 - s) / 2)[sub]
        else:
            fraction = (0.0, s / 2, 0.5, 0.5 + s / 2)[sub]
        return self.offset + bar * self.bar + (beat + fraction) * self.beat

    def sample(self, bar: int, step: int, rng: np.random.Generator, jitter: float = 0.004) -> int:
        return int(round((self.time(bar, step) + rng.normal(0, jitter)) * self.sr))

    def seconds(self, n_steps: float) -> float:
        return n_steps * self.beat / STEPS_PER_BEAT


@dataclass
class Plan:
    """Everything drawn for one song before any sound is made."""

    style: Style
    grid: Grid
    key: int
    scale: tuple[int, ...]
    chords: list[tuple[int, tuple[int, ...]]]
    groove: dict[str, str]
    chord_part: Part
    n_bars: int
    intro_bars: int
    intro_drums_only: bool
    break_bars: range
    borrowed: str


def plan_song(style: Style, duration: float, sr: int, rng: np.random.Generator) -> Plan:
    """Draw one song's tempo, key, chords, groove and form from its recipe (and maybe a neighbour)."""
    donor, borrowed = style, ""
    if style.neighbours and rng.random() < BORROW_PROBABILITY:
        donor = STYLES[str(rng.choice(style.neighbours))]
        borrowed = str(rng.choice(["groove", "progression", "chords", "tempo"]))
        if borrowed == "groove" and not donor.grooves[0]:
            borrowed = "chords"  # a drumless neighbour has no groove to lend
    source = {part: donor if borrowed == part else style
              for part in ("groove", "progression", "chords", "tempo")}
    grid = Grid(tempo=rng.uniform(*source["tempo"].tempo), meter=int(rng.choice(style.meters)),
                swing=rng.uniform(*style.swing), swing_unit=style.swing_unit,
                offset=-rng.uniform(0, 0.5) * 4 * 60.0 / style.tempo[0], sr=sr)
    progression = str(rng.choice(source["progression"].progressions))
    grooves = source["groove"].grooves
    groove = grooves[int(rng.integers(len(grooves)))]
    n_bars = math.ceil((duration - grid.offset) / grid.bar) + 1
    break_start = int(rng.integers(4, max(5, n_bars - 2)))
    return Plan(
        style=style, grid=grid, key=int(rng.integers(12)),
        scale=SCALES[str(rng.choice(style.scales))],
        chords=[parse_chord(symbol) for symbol in progression.split()],
        groove=groove,
        chord_part=source["chords"].chords, n_bars=n_bars,
        intro_bars=int(rng.choice([0, 0, 1, 2])), intro_drums_only=bool(groove) and bool(rng.random() < 0.5),
        break_bars=range(break_start, break_start + 2) if rng.random() < 0.3 else range(0),
        borrowed=f"{borrowed} from {donor.name}" if borrowed else "",
    )


def render_song(genre: str, duration: float, sr: int, rng: np.random.Generator,
                played: list[str] | None = None) -> np.ndarray:
    """Render one demo song of `genre`.

    Parameters
    ----------
    genre : str
        One of the ten GTZAN genre names.
    duration : float > 0
        Seconds.
    sr : int > 0
        Sample rate.
    rng : numpy.random.Generator
        The song's generator (see `song_rng`).
    played : list, optional
        Receives what the song holds: ``drums`` (when it has a groove) and the instrument of
        each pitched part (the demo's tags, `dataset.task: multilabel`); the audio is the same.

    Returns
    -------
    y : np.ndarray, shape (round(duration * sr),), float32, peak below 1
    """
    plan = plan_song(STYLES[genre], duration, sr, rng)
    n = int(round(duration * sr))
    played = [] if played is None else played
    if plan.groove:
        played.append("drums")
    tracks = {
        "drums": (_render_drums(plan, n, rng), plan.style.drums_db),
        "bass": (_render_part(plan, plan.style.bass, n, rng, played), plan.style.bass.level_db),
        "chords": (_render_part(plan, plan.chord_part, n, rng, played), plan.chord_part.level_db),
    }
    melody = plan.style.melody
    if melody is not None and rng.random() < melody.probability:
        tracks["melody"] = (_render_melody(plan, melody, n, rng, played), melody.level_db)
    return _master(plan, tracks, sr, rng)


def _bar_plays(plan: Plan, bar: int, is_drums: bool) -> bool:
    """Form: an intro with only drums (or none), and an optional two-bar break without drums."""
    if bar < plan.intro_bars:
        return is_drums == plan.intro_drums_only
    return not (is_drums and bar in plan.break_bars)


def _render_drums(plan: Plan, n: int, rng: np.random.Generator) -> np.ndarray:
    track = np.zeros(n)
    if not plan.groove:
        return track
    kit = synth.drum_kit(plan.grid.sr, rng, brush=plan.style.brushes)
    steps = plan.grid.steps
    for bar in range(plan.n_bars):
        if not _bar_plays(plan, bar, is_drums=True):
            continue
        groove = dict(plan.groove)
        if bar % 4 == 3 and rng.random() < 0.4:  # a snare fill closes the phrase
            groove["snare"] = "....x.x.xxxxXXXX"[-steps:]
        if bar % 8 == 0 or bar == plan.intro_bars:
            groove["crash"] = "x" + groove.get("crash", ".")[1:]
        for piece, pattern in groove.items():
            for step, mark in enumerate(pattern[:steps]):
                if mark in _VELOCITY:
                    gain = _VELOCITY[mark] * rng.uniform(0.85, 1.0)
                    synth.add_at(track, kit[piece], plan.grid.sample(bar, step, rng), gain)
    return track


def _chord_at(plan: Plan, bar: int) -> tuple[int, tuple[int, ...]]:
    return plan.chords[bar % len(plan.chords)]


def _root_note(plan: Plan, root: int, octave: int) -> int:
    return 12 * (octave + 1) + (plan.key + root) % 12


def _bass_interval(mark: str, intervals: tuple[int, ...], rng: np.random.Generator) -> int:
    """Semitones above the chord root for one bass-pattern mark."""
    third = next((i for i in intervals if i in (3, 4)), 0)
    fifth = next((i for i in intervals if i in (6, 7)), 7)
    seventh = next((i for i in intervals if i in (10, 11)), 10)
    return {"R": 0, "3": third, "5": fifth, "6": 9, "7": seventh, "O": 12}.get(
        mark, int(rng.choice(intervals[:3])))


def _events(pattern: str) -> list[tuple[int, int, str]]:
    """(step, length in steps, mark) of every struck note in a one-bar pattern."""
    events = []
    for step, mark in enumerate(pattern):
        if mark not in ".-":
            length = 1
            while step + length < len(pattern) and pattern[step + length] == "-":
                length += 1
            events.append((step, length, mark))
    return events


def _render_part(plan: Plan, part: Part, n: int, rng: np.random.Generator,
                 played: list[str]) -> np.ndarray:
    """Bass lines, chords, arpeggios and jazz comping, bar by bar over the progression."""
    track = np.zeros(n)
    played.append(str(rng.choice(part.instruments)))
    timbre = INSTRUMENTS[played[-1]](rng)
    pattern = str(rng.choice(part.patterns))[:plan.grid.steps]
    cache: dict[tuple, np.ndarray] = {}

    def play(notes: tuple[float, ...], bar: int, step: int, length: float, gain: float = 1.0):
        key = (notes, round(length * part.gate, 3))
        if key not in cache:
            duration = plan.grid.seconds(length * part.gate)
            sound = sum(synth.render_note(timbre, note, duration, plan.grid.sr, rng) for note in notes)
            cache[key] = synth.distort(sound / len(notes) ** 0.5, timbre.drive)
        synth.add_at(track, cache[key], plan.grid.sample(bar, step, rng), gain * rng.uniform(0.8, 1.0))

    arp_index = 0
    for bar in range(plan.n_bars):
        if not _bar_plays(plan, bar, is_drums=False):
            continue
        root, intervals = _chord_at(plan, bar)
        base = _root_note(plan, root, part.octave)
        events = _events(pattern)
        for i, (step, length, mark) in enumerate(events):
            if part.kind == "line":
                if mark == "W":
                    interval = _walking_interval(plan, bar, i, len(events), intervals, rng)
                else:
                    interval = _bass_interval(mark, intervals, rng)
                play((base + interval,), bar, step, length)
            elif part.kind == "arpeggio":
                tones = [base + iv + 12 * octave for octave in (0, 1) for iv in intervals if iv < 12]
                cycle = tones + tones[-2:0:-1]
                play((cycle[arp_index % len(cycle)],), bar, step, max(length, 3), 0.8)
                arp_index += 1
            elif part.kind == "comp" and rng.random() > 0.35:
                continue
            else:
                play(tuple(base + iv for iv in intervals), bar, step, length)
    return track


def _walking_interval(plan: Plan, bar: int, index: int, count: int,
                      intervals: tuple[int, ...], rng: np.random.Generator) -> int:
    """Walking bass: root on the downbeat, chord tones between, a chromatic step into the next root."""
    if index == 0:
        return 0
    if index == count - 1:
        next_root, _ = _chord_at(plan, bar + 1)
        current_root, _ = _chord_at(plan, bar)
        target = (next_root - current_root) % 12
        return target + int(rng.choice([-1, 1]))
    return int(rng.choice(intervals[1:] + (2, 5, 9)))


def _render_melody(plan: Plan, part: Part, n: int, rng: np.random.Generator,
                   played: list[str]) -> np.ndarray:
    """A lead line in the song's scale: two-bar motifs in an A A' B A' form, chord tones on beats."""
    track = np.zeros(n)
    played.append(str(rng.choice(part.instruments)))
    timbre = INSTRUMENTS[played[-1]](rng)
    steps = plan.grid.steps
    tonic = 12 * (part.octave + 1) + plan.key
    motifs = [_motif(plan.style.melody_density, 2 * steps, rng) for _ in range(2)]
    variation = _motif(plan.style.melody_density, steps, rng)
    for phrase_start in range(0, plan.n_bars, 2):
        if phrase_start < plan.intro_bars:
            continue
        form = (phrase_start // 2) % 4
        motif = motifs[1] if form == 2 else motifs[0]
        if form in (1, 3):  # A': the motif's second bar answered differently
            motif = [e for e in motif if e[0] < steps] + [(s + steps, l, d) for s, l, d in variation]
        for start, length, degree in motif:
            bar, step = divmod(start, steps)
            bar += phrase_start
            chord_root, intervals = _chord_at(plan, bar)
            note = _scale_note(plan.scale, tonic, degree)
            if step % STEPS_PER_BEAT == 0:  # strong beats sit on a chord tone
                chord_tones = [tonic + chord_root + iv + 12 * o for iv in intervals for o in (-1, 0, 1)]
                note = min(chord_tones, key=lambda t: abs(t - note))
            sound = synth.render_note(timbre, note, plan.grid.seconds(length * part.gate), plan.grid.sr, rng)
            synth.add_at(track, synth.distort(sound, timbre.drive), plan.grid.sample(bar, step, rng),
                         rng.uniform(0.7, 1.0))
    return track


def _motif(density: float, n_steps: int, rng: np.random.Generator) -> list[tuple[int, int, int]]:
    """(step, length, scale degree) notes: onsets on eighths (sixteenths when dense), a random walk."""
    unit = 1 if density > 0.6 and rng.random() < 0.5 else 2
    onsets = [s for s in range(0, n_steps, unit) if rng.random() < density or s == 0]
    degree = int(rng.integers(0, 5))
    notes = []
    for i, step in enumerate(onsets):
        end = onsets[i + 1] if i + 1 < len(onsets) else n_steps
        degree = int(np.clip(degree + rng.choice([-2, -1, -1, 0, 1, 1, 2]), -3, 9))
        notes.append((step, end - step, degree))
    return notes


def _scale_note(scale: tuple[int, ...], tonic: int, degree: int) -> int:
    octave, index = divmod(degree, len(scale))
    return tonic + 12 * octave + scale[index]


def _master(plan: Plan, tracks: dict[str, tuple[np.ndarray, float]], sr: int,
            rng: np.random.Generator) -> np.ndarray:
    """Balance the tracks (each to its level, jittered per song), add noise, tone and loudness."""
    mix = np.zeros_like(next(iter(tracks.values()))[0])
    for track, level_db in tracks.values():
        level = synth.rms(track)
        if level > 0:
            gain_db = level_db + rng.uniform(-3.0, 3.0)
            mix += track / level * 10 ** (gain_db / 20)
    mix /= max(synth.rms(mix), 1e-9)
    snr_db = rng.uniform(*plan.style.noise_snr_db)
    mix += rng.standard_normal(mix.size) * 10 ** (-snr_db / 20)
    if plan.style.crackle:
        clicks = (rng.random(mix.size) < 8.0 / sr) * rng.standard_normal(mix.size) * 3.0
        mix += synth.lowpass(clicks, 5000, sr)
    if rng.random() < 0.5:  # a darker recording
        mix = synth.lowpass(mix, rng.uniform(3500, 9000), sr)
    mix = np.tanh(rng.uniform(0.15, 0.35) * mix)
    mix *= rng.uniform(0.5, 0.95) / max(float(np.max(np.abs(mix))), 1e-9)
    return mix.astype(np.float32)
