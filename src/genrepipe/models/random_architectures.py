"""Seed 000's randomly weighted front ends (Pons & Serra, "Randomly weighted CNNs for (music)
audio classification", ICASSP 2019; code: github.com/jordipons/elmarc, `src/dl_models.py`).

Each builder takes the Keras input (a waveform `(samples, 1)` or a spectrogram laid out as
`(frames, bands, 1)`, time first as in the original), the filter count and an initializer
factory, and returns the list of feature maps the original returns; the features of a window
are the mean of every map of the selected layers. Every conv is ReLU with zero bias and He
initialisation (TF1's `variance_scaling_initializer`), never trained.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.backend import keras
from ..core.errors import parameter_error

layers = keras.layers

def _conv1d(filters: int, kernel: int, init: Callable, strides: int = 1, padding: str = "same"):
    return layers.Conv1D(filters, kernel, strides=strides, padding=padding, activation="relu",
                         kernel_initializer=init())


def sample_level(x, n: int, init: Callable) -> list:
    """Lee et al. 2017: a strided size-3 conv, then six size-3 conv + size-3 max-pool blocks;
    the strided conv and every pooled block (7 layers)."""
    if x.shape[1] < 3 ** 7:
        raise parameter_error("models.randomcnn.architecture", "sample_level", f"needs windows "
                              f"of at least {3 ** 7} samples (7 size-3 reductions); these have "
                              f"{x.shape[1]}", "a longer window, a higher "
                              "transforms.waveform.sample_rate, or another architecture")
    x = _conv1d(n, 3, init, strides=3, padding="valid")(x)
    maps = [x]
    for _ in range(6):  # pooling without padding, as the original
        x = layers.MaxPooling1D(3)(_conv1d(n, 3, init)(x))
        maps.append(x)
    return maps


def _backend(x, n: int, init: Callable) -> list:
    """The shared back end of the frame-level models: a 7-wide conv, a residual 7-wide conv,
    max pool 2 over time, another residual 7-wide conv (3 layers)."""
    c1 = _conv1d(n, 7, init, padding="valid")(x)
    r2 = layers.Add()([_conv1d(n, 7, init)(c1), c1])
    pooled = layers.MaxPooling1D(2)(r2)
    r3 = layers.Add()([_conv1d(n, 7, init)(pooled), pooled])
    return [c1, r2, r3]


def frame_level(x, n: int, init: Callable) -> list:
    """Dieleman & Schrauwen 2014: one 512-sample conv with stride 32, then the back end (4 layers)."""
    front = _conv1d(n, 512, init, strides=32, padding="valid")(x)
    return [front, *_backend(front, n, init)]


def frame_level_many(x, n: int, init: Callable) -> list:
    """Frame level with many shapes: 512-, 256-, 128-, 64- and 32-sample convs with stride 32
    side by side, then the back end on their concatenation (8 layers)."""
    fronts = [_conv1d(n, size, init, strides=32)(x) for size in (512, 256, 128, 64, 32)]
    return [*fronts, *_backend(layers.Concatenate()(fronts), n, init)]


def _single(x, n: int, init: Callable, band_fraction: float) -> list:
    bands = x.shape[2]
    height = max(1, int(band_fraction * bands))
    conv = layers.Conv2D(n, (7, height), padding="valid", activation="relu",
                         kernel_initializer=init())(x)
    pooled = layers.MaxPooling2D((1, conv.shape[2]))(conv)  # max over what is left of frequency
    return [conv, pooled]


def single_7x86(x, n: int, init: Callable) -> list:
    """One layer of 7-frame filters 90 % of the bands tall (7x86 on 96 bands), max over the
    remaining frequency (2 layers: the conv and the pooled maps; seed 000 uses the pooled)."""
    return _single(x, n, init, 0.9)


def single_7x96(x, n: int, init: Callable) -> list:
    """One layer of 7-frame filters as tall as the spectrogram (7x96 on 96 bands)."""
    return _single(x, n, init, 1.0)


def temporal(x, n: int, init: Callable) -> list:
    """The temporal part of the musically motivated CNN: bands averaged, then 1-D convs over
    time of 165, 128, 64 and 32 frames (n, 2n, 4n and 8n filters, minus n/4 each, as in
    seed 000: 14n maps) (1 layer: their concatenation)."""
    remove = max(1, n // 4) if n >= 4 else 0
    energy = layers.Reshape((x.shape[1], 1))(layers.AveragePooling2D((1, x.shape[2]))(x))
    convs = [_conv1d(max(1, n * scale - remove), size, init)(energy)
             for scale, size in ((1, 165), (2, 128), (4, 64), (8, 32))]
    return [layers.Concatenate()(convs)]


# keys: `RANDOM_WAVEFORM` and `RANDOM_SPECTROGRAM` of the randomcnn entry (`models/entries/randomcnn.py`)
BUILDERS = {"sample_level": sample_level, "frame_level": frame_level,
            "frame_level_many": frame_level_many, "single_7x86": single_7x86,
            "single_7x96": single_7x96, "temporal": temporal}

# seed 000's default choice of layers (indices into a builder's list): all of them, except the
# single-layer models, whose features are the pooled maps
DEFAULT_LAYERS = {"single_7x86": [1], "single_7x96": [1]}
