"""The ten recipes of the demo set, named after the GTZAN genres.

A recipe fixes ranges and choices; each song draws its own tempo, key, groove, chords,
instruments and mix from them. Patterns are one bar of sixteenth-note steps (16 characters in
4/4, the first 12 used in 3/4):

- drums: ``x`` hit, ``X`` accent, ``o`` ghost note, ``.`` rest;
- bass: ``R`` root, ``3``/``5``/``6``/``7`` chord third, fifth, sixth, seventh, ``O`` octave,
  ``W`` a walking-bass note (chord tone or chromatic approach), ``-`` hold, ``.`` rest;
- chords: ``x`` strike the chord, ``-`` hold it, ``.`` rest.
Progressions are roman numerals over the song's key: upper case major, lower case minor,
``b`` flattens, ``7`` seventh, ``maj7``, ``9`` minor ninth, ``5`` power chord, ``o`` diminished.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCALES = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "major_pentatonic": (0, 2, 4, 7, 9),
    "minor_pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
}

_DEGREES = {"i": 0, "ii": 2, "iii": 4, "iv": 5, "v": 7, "vi": 9, "vii": 11}
_QUALITIES = {
    (True, ""): (0, 4, 7), (True, "7"): (0, 4, 7, 10), (True, "maj7"): (0, 4, 7, 11),
    (True, "5"): (0, 7, 12), (False, ""): (0, 3, 7), (False, "7"): (0, 3, 7, 10),
    (False, "9"): (0, 3, 7, 10, 14), (False, "o"): (0, 3, 6), (False, "5"): (0, 7, 12),
}


def parse_chord(symbol: str) -> tuple[int, tuple[int, ...]]:
    """Roman numeral -> (root in semitones above the key, intervals of the chord tones).

    Examples
    --------
    >>> parse_chord("bVII")
    (10, (0, 4, 7))
    >>> parse_chord("ii7")
    (2, (0, 3, 7, 10))
    """
    flat = symbol.startswith("b")
    body = symbol[1:] if flat else symbol
    numeral = body.rstrip("0123456789majo")
    suffix = body[len(numeral):]
    root = _DEGREES[numeral.lower()] - (1 if flat else 0)
    return root % 12, _QUALITIES[(numeral.isupper(), suffix)]


@dataclass(frozen=True)
class Part:
    """One pitched part: instrument choices, one-bar pattern choices, mix level, register."""

    instruments: tuple[str, ...]
    patterns: tuple[str, ...]
    level_db: float = 0.0
    octave: int = 4
    gate: float = 0.9
    probability: float = 1.0
    kind: str = "chord"  # chord | arpeggio | comp (random jazz stabs) | line (bass)


@dataclass(frozen=True)
class Style:
    """A genre recipe. `summary` is the one line the README shows."""

    name: str
    summary: str
    tempo: tuple[float, float]
    swing: tuple[float, float]
    swing_unit: int
    scales: tuple[str, ...]
    progressions: tuple[str, ...]
    grooves: tuple[dict[str, str], ...]
    bass: Part
    chords: Part
    melody: Part | None
    meters: tuple[int, ...] = (4,)
    melody_density: float = 0.5
    noise_snr_db: tuple[float, float] = (30.0, 50.0)
    brushes: bool = False
    crackle: bool = False
    drums_db: float = 0.0
    neighbours: tuple[str, ...] = field(default=())


BACKBEAT = "....x.......x..."
EIGHTHS = "x.x.x.x.x.x.x.x."

STYLES: dict[str, Style] = {s.name: s for s in (
    Style(
        name="blues",
        summary="70-110 BPM shuffle (swung eighths), 12-bar I7-IV7-V7, boogie bass, "
                "overdriven guitar or piano comping, blues-scale lead with vibrato",
        tempo=(70, 110), swing=(0.62, 0.7), swing_unit=8, scales=("blues", "minor_pentatonic"),
        progressions=("I7 I7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7",
                      "I7 IV7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 I7"),
        grooves=({"kick": "x.......x.......", "snare": BACKBEAT, "hat": EIGHTHS},
                 {"kick": "x.....x.x.......", "snare": BACKBEAT, "ride": EIGHTHS}),
        bass=Part(("finger_bass", "upright_bass"), ("R.3.5.6.7.6.5.3.", "R.R.3.3.5.5.6.6."),
                  octave=2, kind="line"),
        chords=Part(("overdrive_guitar", "piano", "organ"), ("x.x.x.x.x.x.x.x.", "..x...x...x...x."),
                    level_db=-3, gate=0.6),
        melody=Part(("overdrive_guitar", "sax", "violin"), (), level_db=-1, octave=5, probability=0.8),
        melody_density=0.45, neighbours=("jazz", "rock"),
    ),
    Style(
        name="classical",
        summary="60-100 BPM in 3/4 or 4/4, no drums, diatonic cadences (I-IV-V-I, I-vi-ii-V), "
                "sustained strings or cello bass, piano or guitar arpeggios, violin or flute melody",
        tempo=(60, 100), swing=(0.5, 0.5), swing_unit=8, meters=(3, 4),
        scales=("major", "harmonic_minor"),
        progressions=("I IV V I", "I vi ii V", "I V vi iii IV I IV V", "vi ii V I"),
        grooves=({},),
        bass=Part(("cello", "strings"), ("R---------------", "R-------5-------"), octave=3,
                  kind="line", gate=0.98),
        chords=Part(("piano", "clean_guitar"), ("x.x.x.x.x.x.x.x.", "xxxxxxxxxxxxxxxx"),
                    level_db=-2, kind="arpeggio"),
        melody=Part(("violin", "flute", "strings"), (), level_db=0, octave=5, probability=0.9),
        melody_density=0.3, noise_snr_db=(35.0, 55.0), neighbours=("jazz", "country"),
    ),
    Style(
        name="country",
        summary="100-140 BPM train beat with brushes, boom-chick bass (root-fifth), twangy "
                "picked guitar on the off-beats, I-IV-V, fiddle melody in the major pentatonic",
        tempo=(100, 140), swing=(0.5, 0.56), swing_unit=8, scales=("major_pentatonic", "major"),
        progressions=("I I IV I V V I I", "I IV I V", "I IV V I"),
        grooves=({"kick": "x.......x.......", "snare": "o.o.X.o.o.o.X.o."},
                 {"kick": "x.......x.......", "snare": BACKBEAT, "hat": "xxxxxxxxxxxxxxxx"}),
        bass=Part(("finger_bass", "upright_bass"), ("R.......5.......", "R...5...R...5..."),
                  octave=2, kind="line"),
        chords=Part(("twang_guitar", "clean_guitar"), ("....x.......x...", "x.x.x.x.x.x.x.x."),
                    level_db=-2, gate=0.5),
        melody=Part(("fiddle", "twang_guitar"), (), level_db=-1, octave=5, probability=0.8),
        melody_density=0.55, brushes=True, neighbours=("rock", "pop"),
    ),
    Style(
        name="disco",
        summary="110-130 BPM four-on-the-floor kick, open hi-hat on every off-beat, octave-"
                "jumping bass in eighths, minor-seventh vamps, string stabs and electric piano",
        tempo=(110, 130), swing=(0.5, 0.53), swing_unit=16, scales=("dorian", "minor"),
        progressions=("i7 iv7", "i7 i7 bVII bVII", "ii7 V7 ii7 V7"),
        grooves=({"kick": "x...x...x...x...", "clap": BACKBEAT, "open_hat": "..x...x...x...x.",
                  "hat": "xxxxxxxxxxxxxxxx"},
                 {"kick": "x...x...x...x...", "snare": BACKBEAT, "open_hat": "..x...x...x...x."}),
        bass=Part(("synth_bass", "finger_bass"), ("R.O.R.O.R.O.R.O.", "R.ORR.O.R.OR5.O."), octave=2,
                  kind="line", gate=0.7),
        chords=Part(("strings", "electric_piano", "synth_pad"), ("..x...x...x...x.", "x-..x-..x-..x-.."),
                    level_db=-3, gate=0.5),
        melody=Part(("strings", "synth_lead", "flute"), (), level_db=-2, octave=5, probability=0.6),
        melody_density=0.5, neighbours=("pop", "hiphop"),
    ),
    Style(
        name="hiphop",
        summary="80-100 BPM boom-bap: syncopated kick, hard snare on 2 and 4, swung sixteenth "
                "hats, long sub bass on the kicks, dusty two-chord minor loop, vinyl crackle",
        tempo=(80, 100), swing=(0.54, 0.62), swing_unit=16, scales=("minor", "dorian"),
        progressions=("i7 i7 bVImaj7 bVImaj7", "i9 iv7", "i7 v7"),
        grooves=({"kick": "x.....x...x.....", "snare": "....X.......X...", "hat": EIGHTHS},
                 {"kick": "x......x.x......", "snare": "....X.......X..o", "hat": "xxxxxxxxxxxxxxxx"},
                 {"kick": "x.x.......x..x..", "clap": "....X.......X...", "hat": EIGHTHS}),
        bass=Part(("sub_bass",), ("R-----R---R-----", "R------R-R------"), octave=1, kind="line",
                  level_db=2),
        chords=Part(("electric_piano", "piano", "synth_pad"), ("x-------x-------", "x-----..x--....."),
                    level_db=-5),
        melody=Part(("flute", "synth_lead", "electric_piano"), (), level_db=-5, octave=5,
                    probability=0.35),
        melody_density=0.3, crackle=True, drums_db=3, neighbours=("reggae", "disco"),
    ),
    Style(
        name="jazz",
        summary="120-200 BPM swing (or a jazz waltz), ride-cymbal 'ding ding-a' pattern, walking "
                "upright bass, ii7-V7-Imaj7 changes comped on piano, saxophone lines",
        tempo=(120, 200), swing=(0.6, 0.7), swing_unit=8, meters=(4, 4, 3),
        scales=("dorian", "mixolydian", "major"),
        progressions=("ii7 V7 Imaj7 VI7", "ii7 V7 Imaj7 Imaj7", "iii7 VI7 ii7 V7", "ii7 V7 i7 i7"),
        grooves=({"ride": "x...x.x.x...x.x.", "hat": "....x.......x...", "kick": "o...o...o...o..."},
                 {"ride": "x...x.x.x...x.x.", "hat": "....x.......x...", "snare": "......o.......o."}),
        bass=Part(("upright_bass",), ("W...W...W...W...",), octave=2, kind="line", gate=0.95),
        chords=Part(("piano", "electric_piano", "clean_guitar"), ("x.x.x.x.x.x.x.x.",),
                    level_db=-3, gate=0.5, kind="comp"),
        melody=Part(("sax", "piano", "flute"), (), level_db=-1, octave=5, probability=0.85),
        melody_density=0.65, brushes=True, drums_db=-4, neighbours=("blues", "classical"),
    ),
    Style(
        name="metal",
        summary="140-200 BPM, double-kick sixteenths, heavily distorted palm-muted power-chord "
                "chugs, phrygian and minor riffs (i-bII, i-bVI-bVII), crash cymbals, loud",
        tempo=(140, 200), swing=(0.5, 0.5), swing_unit=16, scales=("phrygian", "minor"),
        progressions=("i5 i5 bII5 i5", "i5 bVI5 bVII5 i5", "i5 i5 bVII5 bVI5"),
        grooves=({"kick": "xxxxxxxxxxxxxxxx", "snare": BACKBEAT, "crash": "x...x...x...x..."},
                 {"kick": "x.x.x.x.x.x.x.x.", "snare": BACKBEAT, "ride": EIGHTHS},
                 {"kick": "xx.xxx.xxx.xxx.x", "snare": "....X.......X...", "hat": EIGHTHS}),
        bass=Part(("finger_bass", "synth_bass"), (EIGHTHS, "RRRRRRRRRRRRRRRR"), octave=1, kind="line",
                  gate=0.8),
        chords=Part(("metal_guitar",), ("x.x.xxx.x.x.xxx.", "xxxxxxxxxxxxxxxx", "x-..x-..x.x.x..."),
                    level_db=1, gate=0.45, octave=3),
        melody=Part(("metal_guitar", "rock_guitar"), (), level_db=-3, octave=5, probability=0.3),
        melody_density=0.7, drums_db=1, noise_snr_db=(25.0, 45.0), neighbours=("rock",),
    ),
    Style(
        name="pop",
        summary="95-125 BPM, kick and clap backbeat, straight eighth hats, I-V-vi-IV family, "
                "synth pads and piano, a catchy major-pentatonic synth or piano hook",
        tempo=(95, 125), swing=(0.5, 0.54), swing_unit=16, scales=("major_pentatonic", "major"),
        progressions=("I V vi IV", "vi IV I V", "I vi IV V", "IV I V vi"),
        grooves=({"kick": "x.......x.x.....", "clap": BACKBEAT, "hat": EIGHTHS},
                 {"kick": "x...x...x...x...", "snare": BACKBEAT, "hat": EIGHTHS}),
        bass=Part(("synth_bass", "finger_bass"), (EIGHTHS, "R..R..R.R..R..R."), octave=2, kind="line"),
        chords=Part(("synth_pad", "piano", "clean_guitar"), ("x---------------", "x...x...x...x..."),
                    level_db=-3),
        melody=Part(("synth_lead", "piano", "flute"), (), level_db=0, octave=5, probability=0.9),
        melody_density=0.5, neighbours=("disco", "rock", "country"),
    ),
    Style(
        name="reggae",
        summary="65-90 BPM one drop (kick and rim on beat 3), staccato organ or guitar skank on "
                "every off-beat, deep melodic bass with rests, I-IV and i-iv vamps",
        tempo=(65, 90), swing=(0.5, 0.6), swing_unit=8, scales=("major", "minor", "dorian"),
        progressions=("I IV", "i iv", "I V IV I", "i bVII"),
        grooves=({"kick": "........x.......", "rim": "........x.......", "hat": EIGHTHS},
                 {"kick": "x.......x.......", "snare": "........x.......", "hat": EIGHTHS}),
        bass=Part(("finger_bass", "sub_bass"), ("R--.R.5-..R.3-..", "..R-5.R-..O.5-R."), octave=2,
                  kind="line", level_db=2),
        chords=Part(("organ", "clean_guitar", "electric_piano"), ("..x...x...x...x.", "..x.x.x.x.x.x.x."),
                    level_db=-4, gate=0.3),
        melody=Part(("organ", "sax", "synth_lead"), (), level_db=-3, octave=5, probability=0.35),
        melody_density=0.35, neighbours=("hiphop", "pop"),
    ),
    Style(
        name="rock",
        summary="110-150 BPM straight backbeat, crash on phrase starts, overdriven power chords "
                "or open chords in eighths, root-note eighths on bass, I-bVII-IV and I-IV-V",
        tempo=(110, 150), swing=(0.5, 0.52), swing_unit=16, scales=("mixolydian", "minor_pentatonic"),
        progressions=("I5 bVII5 IV5 I5", "I IV V IV", "I V vi IV", "i5 bVI5 bVII5 i5"),
        grooves=({"kick": "x.......x.x.....", "snare": BACKBEAT, "hat": EIGHTHS},
                 {"kick": "x.x.....x.x.....", "snare": BACKBEAT, "ride": EIGHTHS}),
        bass=Part(("finger_bass", "synth_bass"), (EIGHTHS,), octave=2, kind="line"),
        chords=Part(("rock_guitar", "overdrive_guitar"), (EIGHTHS, "x.....x.x.....x.", "x---x---x---x---"),
                    level_db=-1, gate=0.8, octave=3),
        melody=Part(("rock_guitar", "overdrive_guitar"), (), level_db=-2, octave=5, probability=0.4),
        melody_density=0.5, neighbours=("metal", "pop", "blues", "country"),
    ),
)}
