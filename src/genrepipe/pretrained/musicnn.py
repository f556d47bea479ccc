"""musicnn (Pons & Serra, 2019), pretrained on music tags, rebuilt in Keras 3 with the weights of
the pinned `musicnn` wheel (ISC licence, Music Technology Group, Universitat Pompeu Fabra).

Two networks of the same shape: `MSD_musicnn` (trained on the Million Song Dataset's 50 most
common Last.fm tags) and `MTT_musicnn` (MagnaTagATune's 50 tags). The input is a 16 kHz log-mel
spectrogram: mel power with n_fft 512, hop 256, 96 bands, as `log10(10000 x + 1)`, shape
(frames, 96); the networks were trained on 3 s patches of 187 frames and, being convolutional up
to the pooling over time, take any length. Named outputs:

- `mean_pool`, `max_pool` (753 each): the mid-end's feature maps averaged / maximised over time;
- `pooled` (1506): both, interleaved ([max0, mean0, max1, mean1, ...]) as the original flattens them;
- `penultimate` (200): the dense layer before the tags (after its batch norm);
- `taggram` (50): the tag probabilities (sigmoid), tags in `MSD_LABELS` / `MTT_LABELS`.

The original code is TF1 (`tf.compat.v1.layers`); `tests/test_musicnn.py` checks this port against
its outputs (`tests/reference/`). The original computes `10000 x` in float16, which overflows to
+inf for loud partials; here it is float32 and finite.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ..core.backend import in_batches, keras
from ..core.errors import DataError, parameter_error
from .names import MUSICNN_LAYERS, MUSICNN_MODELS
from .wheels import FETCH, package_folder

layers = keras.layers
ops = keras.ops

SR, N_FFT, HOP, N_MELS, PATCH_FRAMES = 16000, 512, 256, 96, 187
MODELS, OUTPUTS = MUSICNN_MODELS, MUSICNN_LAYERS
TRANSFORM_KEY = "transforms.musicnn.model"  # where a network's name comes from, by default
FRONTEND = ("input_norm", "timbral_74", "timbral_74_norm", "timbral_77", "timbral_77_norm",
            "temporal_128", "temporal_128_norm", "temporal_64", "temporal_64_norm", "temporal_32",
            "temporal_32_norm")
# layer here -> variable scope in the TF1 checkpoint (the order the original creates them in)
CHECKPOINT_NAMES = {
    "input_norm": "batch_normalization",
    "timbral_74": "conv2d", "timbral_74_norm": "batch_normalization_1",
    "timbral_77": "conv2d_1", "timbral_77_norm": "batch_normalization_2",
    "temporal_128": "conv2d_2", "temporal_128_norm": "batch_normalization_3",
    "temporal_64": "conv2d_3", "temporal_64_norm": "batch_normalization_4",
    "temporal_32": "conv2d_4", "temporal_32_norm": "batch_normalization_5",
    "midend_1": "conv2d_5", "midend_1_norm": "batch_normalization_6",
    "midend_2": "conv2d_6", "midend_2_norm": "batch_normalization_7",
    "midend_3": "conv2d_7", "midend_3_norm": "batch_normalization_8",
    "pooled_norm": "batch_normalization_9",
    "dense": "dense", "penultimate": "batch_normalization_10",
    "logits": "dense_1",
}

MSD_LABELS = (
    'rock', 'pop', 'alternative', 'indie', 'electronic', 'female vocalists', 'dance', '00s',
    'alternative rock', 'jazz', 'beautiful', 'metal', 'chillout', 'male vocalists', 'classic rock',
    'soul', 'indie rock', 'Mellow', 'electronica', '80s', 'folk', '90s', 'chill', 'instrumental',
    'punk', 'oldies', 'blues', 'hard rock', 'ambient', 'acoustic', 'experimental',
    'female vocalist', 'guitar', 'Hip-Hop', '70s', 'party', 'country', 'easy listening', 'sexy',
    'catchy', 'funk', 'electro', 'heavy metal', 'Progressive rock', '60s', 'rnb', 'indie pop',
    'sad', 'House', 'happy',
)
MTT_LABELS = (
    'guitar', 'classical', 'slow', 'techno', 'strings', 'drums', 'electronic', 'rock', 'fast',
    'piano', 'ambient', 'beat', 'violin', 'vocal', 'synth', 'female', 'indian', 'opera', 'male',
    'singing', 'vocals', 'no vocals', 'harpsichord', 'loud', 'quiet', 'flute', 'woman',
    'male vocal', 'no vocal', 'pop', 'soft', 'sitar', 'solo', 'man', 'classic', 'choir', 'voice',
    'new age', 'dance', 'male voice', 'female vocal', 'beats', 'harp', 'cello', 'no voice',
    'weird', 'country', 'metal', 'female voice', 'choral',
)
LABELS = {"MSD_musicnn": MSD_LABELS, "MTT_musicnn": MTT_LABELS}


@keras.saving.register_keras_serializable(package="genrepipe")
class FrequencyMax(layers.Layer):
    """The maximum over the frequency axis: (batch, time, freq, channels) -> (batch, time, channels)."""

    def call(self, x):
        return ops.max(x, axis=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1], input_shape[3])


@keras.saving.register_keras_serializable(package="genrepipe")
class Interleave(layers.Layer):
    """[max, mean] -> [max0, mean0, max1, mean1, ...]: the original stacks the two poolings on a
    last axis and flattens."""

    def call(self, inputs):
        first, second = inputs
        return ops.reshape(ops.stack([first, second], axis=-1), (ops.shape(first)[0], -1))

    def compute_output_shape(self, input_shapes):
        shape = input_shapes[0]
        return (shape[0], None if shape[1] is None else 2 * shape[1])


def _norm(name: str):
    return layers.BatchNormalization(epsilon=1e-3, momentum=0.99, name=name)


def build() -> keras.Model:
    """The musicnn network (MSD and MTT share it), weights not loaded, outputs named as in
    `OUTPUTS`."""
    inputs = keras.Input((None, N_MELS), name="log_mel")
    x = _norm("input_norm")(layers.Reshape((-1, N_MELS, 1))(inputs))
    padded = layers.ZeroPadding2D(((3, 3), (0, 0)))(x)  # 'same' in time only: pooled over freq
    frontend = []
    for width in (74, 77):  # timbral: 7 frames by 40 % / 70 % of the bands, 204 filters
        conv = layers.Conv2D(204, (7, int(width % 10 / 10 * N_MELS)), activation="relu",
                             name=f"timbral_{width}")(padded)
        frontend.append(FrequencyMax()(_norm(f"timbral_{width}_norm")(conv)))
    for length in (128, 64, 32):  # temporal: one band, 128 / 64 / 32 frames, 51 filters
        conv = layers.Conv2D(51, (length, 1), padding="same", activation="relu",
                             name=f"temporal_{length}")(x)
        frontend.append(FrequencyMax()(_norm(f"temporal_{length}_norm")(conv)))
    front = layers.Concatenate(name="frontend")(frontend)  # 561 channels
    mid = [_norm("midend_1_norm")(layers.Conv1D(64, 7, padding="same", activation="relu",
                                                name="midend_1")(front))]
    for i in (2, 3):  # residual 7-frame convolutions
        conv = layers.Conv1D(64, 7, padding="same", activation="relu", name=f"midend_{i}")(mid[-1])
        mid.append(layers.Add()([_norm(f"midend_{i}_norm")(conv), mid[-1]]))
    features = layers.Concatenate(name="midend")([front, *mid])  # 753 channels
    max_pool = layers.GlobalMaxPooling1D(name="max_pool")(features)
    mean_pool = layers.GlobalAveragePooling1D(name="mean_pool")(features)
    pooled = Interleave(name="pooled")([max_pool, mean_pool])
    x = layers.Dropout(0.5)(_norm("pooled_norm")(pooled))
    penultimate = _norm("penultimate")(layers.Dense(200, activation="relu", name="dense")(x))
    logits = layers.Dense(50, name="logits")(layers.Dropout(0.5)(penultimate))
    taggram = layers.Activation("sigmoid", name="taggram")(logits)
    outputs = {"mean_pool": mean_pool, "max_pool": max_pool, "pooled": pooled,
               "penultimate": penultimate, "taggram": taggram}
    return keras.Model(inputs, outputs, name="musicnn")


def weights_folder(model: str, key: str = TRANSFORM_KEY) -> Path:
    """The checkpoint folder of `model` (the value of params key `key`), from the pinned `musicnn`
    wheel (`wheels`)."""
    if model not in MODELS:
        raise parameter_error(key, model, "is not a pretrained musicnn network",
                              "one of: " + ", ".join(MODELS))
    folder = package_folder("musicnn", "musicnn", "the pretrained weights") / model
    if not (folder / ".index").is_file():
        raise DataError(f"{folder}: no musicnn checkpoint there; get the weights again: {FETCH}")
    return folder


def read_checkpoint(model: str, key: str = TRANSFORM_KEY) -> dict[str, np.ndarray]:
    """The network's variables (Adam's state left out) from the wheel's TF1 checkpoint."""
    import tensorflow as tf

    reader = tf.compat.v1.train.NewCheckpointReader(f"{weights_folder(model, key)}/")  # files: ".index"...
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()
            if "Adam" not in name and not name.startswith("beta")}


def load_weights(network: keras.Model, model: str, key: str = TRANSFORM_KEY) -> keras.Model:
    """Set every layer of a `build()` network from the checkpoint of `model` (returns it);
    `key`: the params key `model` came from, for the error of an unknown one."""
    variables = read_checkpoint(model, key)
    for name, scope in CHECKPOINT_NAMES.items():
        layer = network.get_layer(name)
        if isinstance(layer, layers.BatchNormalization):
            values = [variables[f"{scope}/{v}"] for v in ("gamma", "beta", "moving_mean", "moving_variance")]
        else:
            kernel = variables[f"{scope}/kernel"]
            if isinstance(layer, layers.Conv1D):  # stored as a [7, channels, 1, filters] 2-D kernel
                kernel = kernel[:, :, 0, :]
            values = [kernel, variables[f"{scope}/bias"]]
        layer.set_weights(values)
    return network


@lru_cache(maxsize=2)
def pretrained(model: str) -> keras.Model:
    """The pretrained network `model`, built and loaded once per process."""
    return load_weights(build(), model)


def mel_power(y: np.ndarray, sr: int) -> np.ndarray:
    """The mel power musicnn compresses, for a signal or a stack of windows: resampled to 16 kHz
    (soxr), n_fft 512, hop 256, 96 bands (librosa's defaults otherwise).

    Returns
    -------
    np.ndarray, shape (..., n_frames, 96), float32
    """
    import librosa

    if sr != SR:
        y = librosa.resample(y, orig_sr=sr, target_sr=SR, res_type="soxr_hq", axis=-1)
    mel = librosa.feature.melspectrogram(y=y, sr=SR, hop_length=HOP, n_fft=N_FFT, n_mels=N_MELS)
    return np.swapaxes(mel, -1, -2).astype(np.float32)


def log_mel(y: np.ndarray, sr: int) -> np.ndarray:
    """musicnn's input: `log10(10000 x + 1)` of `mel_power`, in float32 (the original computes it
    in float16, where `10000 x` overflows to infinity for loud partials).

    Returns
    -------
    np.ndarray, shape (..., n_frames, 96), float32
    """
    return np.log10(10000 * mel_power(y, sr) + 1).astype(np.float32)


def run(network: keras.Model, x: np.ndarray, outputs: tuple[str, ...] = OUTPUTS,
        batch_size: int = 32) -> dict[str, np.ndarray]:
    """The named outputs of `network` for inputs `x` of shape (n, frames, 96), in batches
    (`predict_on_batch`: a compiled graph, about 1.5 times faster here than calling the model)."""
    chunks = in_batches(network.predict_on_batch, x, batch_size)
    return {name: np.concatenate([np.asarray(c[name]) for c in chunks]) for name in outputs}
