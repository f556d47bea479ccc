"""Regenerate `musicnn_reference.npz`: outputs of the ORIGINAL musicnn code (its TF1 graph and the
wheel's checkpoints) for two short synthetic clips, one quiet and one loud, which
`tests/test_musicnn.py` checks genrepipe's Keras 3 port against.

Run it in a throwaway environment, never in the project's `.venv` (tf-keras pulls `tensorflow`
next to `tensorflow-cpu`):

    python3.11 -m venv /tmp/musicnn-ref
    /tmp/musicnn-ref/bin/pip install tensorflow==2.21.0 tf-keras==2.21.0 librosa==0.11.0 numpy==2.4.6
    /tmp/musicnn-ref/bin/pip install --no-deps musicnn==0.1.0
    /tmp/musicnn-ref/bin/python tests/reference/make_musicnn_reference.py

Stored per clip: the audio (16 kHz), the network input as the original computes it (float16 before
the log: +inf where a loud partial overflows) and in float32 (the same formula, finite), and per
model the graph's outputs (mean_pool, max_pool, the interleaved 1506-value pooled vector,
penultimate, taggram) for two 187-frame patches of the float32 input. The graph's tensors are read,
not `extractor.py`'s results (it returns patch 1's cnn1..cnn3 for every patch).
"""

import os
import sys
from pathlib import Path

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # musicnn's models.py uses tf.compat.v1.layers

import librosa  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from musicnn import models  # noqa: E402

SR, N_FFT, HOP, N_MELS, N_FRAMES = 16000, 512, 256, 96, 187
STARTS = (0, 64)  # two overlapping patches of each clip's 251 frames
OUT = Path(__file__).with_name("musicnn_reference.npz")


def clips() -> dict[str, np.ndarray]:
    """Two 4 s clips: a quiet tone mix with noise, and a loud low-frequency one."""
    t = np.arange(4 * SR) / SR
    rng = np.random.default_rng(0)
    quiet = (0.05 * np.sin(2 * np.pi * 440 * t) + 0.03 * np.sin(2 * np.pi * 660 * t * (1 + 0.1 * t))
             + 0.01 * rng.standard_normal(t.size)) * (1 + 0.5 * np.sin(2 * np.pi * 2 * t))
    loud = np.sign(np.sin(2 * np.pi * 55 * t)) * 0.6 + 0.39 * np.sin(2 * np.pi * 110 * t)
    return {"quiet": quiet.astype(np.float32), "loud": loud.astype(np.float32)}


def inputs(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(original: float16 before the log, as extractor.py; float32 throughout)."""
    mel = librosa.feature.melspectrogram(y=y, sr=SR, hop_length=HOP, n_fft=N_FFT, n_mels=N_MELS).T
    with np.errstate(over="ignore"):
        original = np.log10(10000 * mel.astype(np.float16) + 1)
    return original, np.log10(10000 * mel.astype(np.float32) + 1).astype(np.float32)


def graph_outputs(model: str, patches: np.ndarray) -> dict[str, np.ndarray]:
    tf.compat.v1.reset_default_graph()
    x = tf.compat.v1.placeholder(tf.float32, [None, N_FRAMES, N_MELS])
    training = tf.compat.v1.placeholder(tf.bool)
    logits, timbral, temporal, cnn1, cnn2, cnn3, mean_pool, max_pool, penultimate = \
        models.define_model(x, training, model, 50)
    pooled = tf.compat.v1.get_default_graph().get_tensor_by_name("flatten/Reshape:0")
    tensors = {"mean_pool": mean_pool, "max_pool": max_pool, "pooled": pooled,
               "penultimate": penultimate, "taggram": tf.nn.sigmoid(logits)}
    import musicnn

    folder = Path(musicnn.__file__).parent / model
    with tf.compat.v1.Session() as session:
        tf.compat.v1.train.Saver().restore(session, f"{folder}/")
        values = session.run(tensors, feed_dict={x: patches, training: False})
    return {name: np.squeeze(value).astype(np.float32) for name, value in values.items()}


def main() -> None:
    tf.compat.v1.disable_eager_execution()
    data = {}
    for clip, y in clips().items():
        original, finite = inputs(y)
        data[f"{clip}/audio"] = y
        data[f"{clip}/input_original"] = original
        data[f"{clip}/input"] = finite
        patches = np.stack([finite[s:s + N_FRAMES] for s in STARTS])
        for model in ("MSD_musicnn", "MTT_musicnn"):
            for name, value in graph_outputs(model, patches).items():
                data[f"{clip}/{model}/{name}"] = value
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): " + ", ".join(sorted(data)), file=sys.stderr)


if __name__ == "__main__":
    main()
