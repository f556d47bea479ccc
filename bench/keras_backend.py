"""Which Keras backend runs genrepipe's networks fastest on this machine's CPU: the cnn2d of
params.yaml trained on demo-shaped mel windows, and the pretrained musicnn's forward pass (the
musicnn transform), each backend in its own process, on the same seeded inputs.

    python bench/keras_backend.py [BACKEND ...]   (default: tensorflow jax torch, those installed)

A backend not installed in this environment is said and skipped (JAX: `pip install --target DIR
jax jaxlib` and PYTHONPATH=DIR, since genrepipe's locks do not hold it). Prints seconds per
training epoch and per 1000 musicnn windows, and each as a ratio to TensorFlow's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

WINDOWS, EPOCHS = 640, 3  # training windows of 128 bands x 130 frames (3 s at 22050 Hz, hop 512)
MUSICNN_WINDOWS = 256  # 3 s at 16 kHz, hop 256: 187 frames of 96 bands


def measure() -> dict:
    """In a child process whose KERAS_BACKEND is set: the two timings, in seconds."""
    import numpy as np

    from genrepipe.config.params import load_params
    from genrepipe.models.cnn2d import build_network
    from genrepipe.models.registry import model_settings
    from genrepipe.pretrained.musicnn import pretrained

    from genrepipe.core.backend import keras

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    settings = model_settings(load_params().models, "cnn2d")
    x = rng.standard_normal((WINDOWS, 128, 130, 1)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, WINDOWS)]  # one-hot: the loss smooths labels
    network = build_network((128, 130, 1), 10, settings)
    network.fit(x, y, batch_size=settings["batch_size"], epochs=1, verbose=0)  # compile, warm up
    start = time.perf_counter()
    network.fit(x, y, batch_size=settings["batch_size"], epochs=EPOCHS, verbose=0)
    epoch = (time.perf_counter() - start) / EPOCHS
    musicnn = pretrained("MSD_musicnn")
    mel = rng.random((MUSICNN_WINDOWS, 187, 96)).astype("float32")
    musicnn.predict(mel[:32], batch_size=32, verbose=0)  # warm up
    start = time.perf_counter()
    musicnn.predict(mel, batch_size=32, verbose=0)
    per_1000 = (time.perf_counter() - start) / MUSICNN_WINDOWS * 1000
    return {"epoch": epoch, "musicnn_per_1000": per_1000}


def main() -> None:
    if os.environ.get("GENREPIPE_BENCH_CHILD"):
        print(json.dumps(measure()))
        return
    backends = sys.argv[1:] or ["tensorflow", "jax", "torch"]
    results = {}
    for backend in backends:
        env = {**os.environ, "KERAS_BACKEND": backend, "GENREPIPE_BENCH_CHILD": "1"}
        done = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            error = [line for line in done.stderr.strip().splitlines() if "Error" in line]
            print(f"{backend}: not measured ({(error or done.stderr.strip().splitlines())[-1]})")
            continue
        results[backend] = json.loads(done.stdout.strip().splitlines()[-1])
    base = results.get("tensorflow")
    print(f"{'backend':<12} {'cnn2d s/epoch':>14} {'vs TF':>7} {'musicnn s/1000 windows':>23} {'vs TF':>7}")
    for backend, r in results.items():
        ratio = (lambda k: f"{r[k] / base[k]:.2f}x") if base else (lambda k: "-")
        print(f"{backend:<12} {r['epoch']:>14.2f} {ratio('epoch'):>7} {r['musicnn_per_1000']:>23.2f} "
              f"{ratio('musicnn_per_1000'):>7}")


if __name__ == "__main__":
    main()
