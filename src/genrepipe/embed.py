"""The `embed` transform: activations of a trained network, up to a named layer, per window.

Transfer learning (seeds 001 and 002): a network trained elsewhere (for example a genrepipe
CNN trained on GTZAN) turns each window into a vector that scikit-learn classifiers learn from
on another dataset. The weights are a file of the user's; nothing is fetched at run time.

`model` is either a genrepipe model folder (its meta.json says how to compute and normalise
the network's input, and at which sample rate and window length) or a bare `.keras` file,
whose input is computed by the transform named in `input` (`{transform: mel, n_mels: 128,
...}`) and reshaped to the network's input shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataError

META = "meta.json"


def compute_embed(y: np.ndarray, sr: int, model: str, layer: str,
                  input: Mapping[str, Any] | None = None) -> np.ndarray:
    """Activations of `layer` of the network `model` for each window of `y`.

    Parameters
    ----------
    y : np.ndarray, shape (n_windows, n_samples)
    sr : int > 0
    model : str
        A genrepipe model folder, or a `.keras` file.
    layer : str
        Name of the layer whose output is the embedding.
    input : mapping or None
        For a `.keras` file: ``{"transform": <name>, **its params}``.

    Returns
    -------
    np.ndarray, shape (n_windows, n_units), float32
    """
    frozen = tuple(sorted((input or {}).items()))
    return _embedder(model, layer, frozen)(np.asarray(y, dtype=np.float32), sr)


@lru_cache(maxsize=4)
def _embedder(model: str, layer: str, input_items: tuple) -> Embedder:
    """One loaded network per worker process, reused for every song."""
    return Embedder(model, layer, dict(input_items))


class Embedder:
    """A network cut at `layer`, with the input pipeline it expects."""

    def __init__(self, model: str, layer: str, input: dict):
        from .backend import keras

        path = Path(model).expanduser()
        self.trained = None
        if (path / META).is_file():
            from .predictor import TrainedRun

            self.trained = TrainedRun(path)
            if self.trained.members or not hasattr(self.trained, "network"):
                raise DataError(f"transforms.embed.model={model!r}: a Keras run trained without "
                                "k-fold is needed (a .keras network)")
            network = self.trained.network
        elif path.suffix == ".keras" and path.is_file():
            if not input.get("transform"):
                raise DataError(f"transforms.embed.input is needed for the bare network {model!r}: "
                                "{transform: <name>, ...its params}")
            network = keras.saving.load_model(path)
        else:
            raise DataError(f"transforms.embed.model={model!r}: not a genrepipe model folder "
                            "(with meta.json) nor a .keras file")
        names = [lyr.name for lyr in network.layers]
        if layer not in names:
            raise DataError(f"transforms.embed.layer={layer!r} is not a layer of {model!r}; "
                            f"expected one of: {', '.join(names)}")
        self.network = keras.Model(network.inputs, network.get_layer(layer).output)
        self.input = input

    def __call__(self, windows: np.ndarray, sr: int, batch_size: int = 64) -> np.ndarray:
        from .backend import keras

        x = self._inputs(windows, sr)
        out = [keras.ops.convert_to_numpy(self.network(x[i:i + batch_size], training=False))
               for i in range(0, len(x), batch_size)]
        out = np.concatenate(out) if out else np.zeros((0,) + self.network.output_shape[1:])
        return out.reshape(len(windows), -1).astype(np.float32)

    def _inputs(self, windows: np.ndarray, sr: int) -> np.ndarray:
        from .transforms import compute

        if self.trained is None:  # a bare network: the named transform, reshaped to its input
            params = {k: v for k, v in self.input.items() if k != "transform"}
            features = compute(self.input["transform"], windows, sr, params)
            expected = tuple(self.network.input_shape[1:])
            if int(np.prod(features.shape[1:])) != int(np.prod(expected)):
                raise DataError(f"{self.input['transform']} features {features.shape[1:]} do not fit "
                                f"the network's input {expected}")
            return features.reshape(len(windows), *expected).astype(np.float32)
        from .models.cnn import input_layout

        meta = self.trained.meta
        if sr != meta["sample_rate"]:
            import librosa

            windows = librosa.resample(windows, orig_sr=sr, target_sr=meta["sample_rate"],
                                       res_type="soxr_hq", axis=-1)
        if windows.shape[-1] != meta["window_samples"]:
            raise DataError(f"the embedding run {meta['run']!r} takes {meta['window']:g} s windows "
                            f"({meta['window_samples']} samples at {meta['sample_rate']} Hz); set "
                            f"window: {meta['window']:g} (and hop) to use it")
        features = compute(meta["transform"], windows, meta["sample_rate"], meta["transform_params"])
        features = features.astype(meta["transform_params"].get("dtype", "float32"))
        stats = self.trained.stats
        x = stats.apply(features) if stats else features.astype(np.float32)
        return input_layout(self.trained.model, x)
