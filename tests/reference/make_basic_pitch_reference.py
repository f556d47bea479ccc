"""Regenerate `basic_pitch_reference.npz`: basic-pitch's own inference (`basic_pitch.inference.
run_inference` on the wheel's ONNX network) for two short synthetic clips, which
`tests/test_basic_pitch.py` checks genrepipe's batched `pretrained.basic_pitch` against.

Run it in a throwaway environment, never in the project's `.venv` (basic-pitch's inference needs
pretty_midi, mir_eval and an old resampy):

    python3.11 -m venv /tmp/basic-pitch-ref
    /tmp/basic-pitch-ref/bin/pip install librosa==0.11.0 numpy==2.4.6 onnxruntime==1.32.0 \
        soundfile==0.14.0 pretty_midi mir_eval "resampy<0.4.3" scikit-learn typing-extensions
    /tmp/basic-pitch-ref/bin/pip install --no-deps basic-pitch==0.4.0
    /tmp/basic-pitch-ref/bin/python tests/reference/make_basic_pitch_reference.py

Stored per clip: its audio and sample rate (the file basic-pitch read was written from it as
32-bit float WAV, so both read the same samples) and the `note`, `onset` and `contour`
posteriorgrams basic-pitch's inference returns for it.
"""

import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from basic_pitch import ICASSP_2022_MODEL_PATH
from basic_pitch.inference import Model, run_inference

OUT = Path(__file__).with_name("basic_pitch_reference.npz")


def _note(midi: float, t: np.ndarray) -> np.ndarray:
    """A plucked tone with four harmonics."""
    f = 440.0 * 2 ** ((midi - 69) / 12)
    return sum(np.sin(2 * np.pi * f * h * t) / h for h in (1, 2, 3, 4)) * np.exp(-3 * t)


def clips() -> dict[str, tuple[np.ndarray, int]]:
    """A 4 s melody at 22050 Hz (no resampling) and a 3 s chord sequence at 44100 Hz (resampled)."""
    melody_sr, chords_sr = 22050, 44100
    melody = np.zeros(4 * melody_sr)
    for i, midi in enumerate([60, 62, 64, 65, 67, 69, 71, 72]):
        start = i * melody_sr // 2
        t = np.arange(melody_sr // 2) / melody_sr
        melody[start:start + t.size] += 0.3 * _note(midi, t)
    chords = np.zeros(3 * chords_sr)
    for i, chord in enumerate([(48, 52, 55), (53, 57, 60), (55, 59, 62)]):
        start = i * chords_sr
        t = np.arange(chords_sr) / chords_sr
        chords[start:start + t.size] += sum(0.2 * _note(m, t) for m in chord)
    rng = np.random.default_rng(0)
    chords += 0.005 * rng.standard_normal(chords.size)
    return {"melody": (melody.astype(np.float32), melody_sr),
            "chords": (chords.astype(np.float32), chords_sr)}


def main() -> None:
    model = Model(ICASSP_2022_MODEL_PATH)
    data = {}
    with tempfile.TemporaryDirectory() as tmp:
        for clip, (y, sr) in clips().items():
            path = Path(tmp) / f"{clip}.wav"
            sf.write(path, y, sr, subtype="FLOAT")
            outputs = run_inference(path, model)
            data[f"{clip}/audio"] = y
            data[f"{clip}/sr"] = np.asarray(sr)
            for name, value in outputs.items():
                data[f"{clip}/{name}"] = np.asarray(value, dtype=np.float32)
    np.savez_compressed(OUT, **data)
    print(f"{OUT}: {', '.join(f'{k} {v.shape}' for k, v in data.items())}")


if __name__ == "__main__":
    main()
