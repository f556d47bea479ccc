"""basic-pitch (Bittner et al., ICASSP 2022), Spotify's note-transcription network trained on
real recordings (GuitarSet, MAESTRO, MedleyDB-Pitch, iKala, Slakh), run from the ONNX file of the
pinned `basic-pitch` wheel (Apache-2.0, code and weights) with `onnxruntime` (MIT).

The network reads 22050 Hz mono audio in chunks of 43844 samples (2 s less one hop) and gives, at
86 frames per second (22050 // 256), three posteriorgrams per chunk of 172 frames: `note` and
`onset` over the 88 piano keys (A0 = MIDI 21 to C8 = MIDI 108) and `contour` over 264 bins (three
per semitone). `posteriorgrams` follows basic-pitch's own `inference.run_inference` exactly: half
the 30-frame overlap as silence in front, chunks every 43844 - 7680 samples, 15 frames dropped at
both ends of every chunk's output, the rest joined and cut to the audio's length in frames. It
does that for every window of a song at once, all chunks in one batch, where basic-pitch runs one
chunk at a time. `tests/test_basic_pitch.py` checks it against basic-pitch's own inference
(`tests/reference/basic_pitch_reference.npz`): equal within 1e-7. onnxruntime's kernels block a
batch by its size and split it over the threads, so a window's values can differ in the last bit
with the song it comes in or the number of cores; the same song on the same machine gives the
same bytes.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..core.errors import DataError
from .names import BASIC_PITCH_FPS
from .wheels import FETCH, package_folder

SR = 22050
CHUNK = 43844          # samples the network reads at once: 2 s at 22050 Hz less one 256-sample hop
FRAMES = 172           # output frames per chunk
FPS = BASIC_PITCH_FPS  # 86 = SR // 256: basic-pitch's frame rate, as it counts frames
OVERLAP_FRAMES = 30    # frames two neighbouring chunks share
OVERLAP = OVERLAP_FRAMES * 256
CHUNK_HOP = CHUNK - OVERLAP
N_KEYS = 88
LOWEST_MIDI = 21       # A0, the first key
OUTPUTS = ("note", "onset", "contour")
# the ONNX graph's tensor names, as basic-pitch's `inference.Model` reads them
ONNX_INPUT = "serving_default_input_2:0"
ONNX_OUTPUTS = {"note": "StatefulPartitionedCall:1", "onset": "StatefulPartitionedCall:2",
                "contour": "StatefulPartitionedCall:0"}
MODEL_FILE = "saved_models/icassp_2022/nmp.onnx"
BATCH = 32  # chunks per network call: bounds the memory of a long song


def model_path() -> Path:
    """The ONNX file from the pinned `basic-pitch` wheel (`wheels`)."""
    path = package_folder("basic_pitch", "basic-pitch", "the pretrained network") / MODEL_FILE
    if not path.is_file():
        raise DataError(f"{path}: no basic-pitch network there; get the weights again: {FETCH}")
    return path


@lru_cache(maxsize=1)
def session():
    """The network, loaded once per process, on every core this process may use."""
    try:
        import onnxruntime
    except ImportError:
        raise DataError("onnxruntime: not installed (it runs basic-pitch's network); install it: "
                        "pip install onnxruntime==1.32.0 (`make venv` does)") from None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = len(os.sched_getaffinity(0))
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: no optimiser notes in the stage logs
    return onnxruntime.InferenceSession(str(model_path()), options,
                                        providers=["CPUExecutionProvider"])


def n_frames(n_samples: int) -> int:
    """Output frames for `n_samples` of 22050 Hz audio (basic-pitch's count: floor of 86 / s)."""
    return int(np.floor(n_samples * (FPS / SR)))


def chunks(y: np.ndarray) -> np.ndarray:
    """The chunks the network reads from each signal: (n, samples) -> (n, n_chunks, CHUNK)."""
    n, samples = y.shape
    padded = samples + OVERLAP // 2
    n_chunks = -(-padded // CHUNK_HOP)
    audio = np.zeros((n, (n_chunks - 1) * CHUNK_HOP + CHUNK), dtype=np.float32)
    audio[:, OVERLAP // 2:padded] = y
    starts = np.arange(n_chunks) * CHUNK_HOP
    return np.stack([audio[:, s:s + CHUNK] for s in starts], axis=1)


def posteriorgrams(y: np.ndarray, sr: int, outputs: tuple[str, ...] = OUTPUTS
                   ) -> dict[str, np.ndarray]:
    """basic-pitch's posteriorgrams of every window of `y`, resampled to 22050 Hz (soxr, as
    basic-pitch's `librosa.load`) if needed.

    Parameters
    ----------
    y : np.ndarray, shape (..., n_samples)
    sr : int > 0
    outputs : names among `OUTPUTS`

    Returns
    -------
    dict name -> np.ndarray, shape (..., n_frames(n_samples at 22050 Hz), 88 or 264), float32
    """
    *lead, _ = y.shape
    y = np.asarray(y, dtype=np.float32).reshape(-1, y.shape[-1])
    if sr != SR:
        import librosa

        y = librosa.resample(y, orig_sr=sr, target_sr=SR, res_type="soxr_hq", axis=-1)
    windows, samples = y.shape
    x = chunks(y)
    per_window = x.shape[1]
    flat = x.reshape(-1, CHUNK, 1)
    network = session()
    names = [ONNX_OUTPUTS[name] for name in outputs]
    parts = [network.run(names, {ONNX_INPUT: flat[i:i + BATCH]})
             for i in range(0, len(flat), BATCH)]
    keep = slice(OVERLAP_FRAMES // 2, FRAMES - OVERLAP_FRAMES // 2)
    frames = n_frames(samples)
    result = {}
    for k, name in enumerate(outputs):
        out = np.concatenate([p[k] for p in parts])[:, keep]  # (windows * chunks, 142, bins)
        out = out.reshape(windows, per_window * out.shape[1], out.shape[-1])[:, :frames]
        result[name] = np.ascontiguousarray(out.reshape(*lead, frames, out.shape[-1]),
                                            dtype=np.float32)
    return result
