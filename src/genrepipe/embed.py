"""Embeddings: a trained network's activations at a named layer, per window (the embed stage).

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

from .backend import infer, keras
from .errors import DataError
from .models.network import prepare
from .models.entry import META
from .normalize import BandStats
from .trained import TrainedRun
from .transforms.registry import compute, featurize
from .workspace import resolve_path


def compute_embedding(name: str, y: np.ndarray, sr: int, settings: Mapping[str, Any]) -> np.ndarray:
    """Activations of `settings["layer"]` of the network `settings["model"]` for each window.

    Parameters
    ----------
    name : str
        The embedding's name (its key under `embeddings`).
    y : np.ndarray, shape (n_windows, n_samples)
    sr : int > 0
    settings : mapping
        ``model`` (a genrepipe model folder, or a `.keras` file), ``layer`` (the layer whose
        output is the embedding) and, for a `.keras` file, ``input``: ``{"transform": <name>,
        **its params}``.

    Returns
    -------
    np.ndarray, shape (n_windows, n_units), float32
    """
    frozen = tuple(sorted((settings.get("input") or {}).items()))
    embedder = _embedder(str(resolve_path(settings["model"])), settings["layer"], frozen)
    return np.ascontiguousarray(embedder(np.asarray(y, dtype=np.float32), sr),
                                dtype=settings.get("dtype", "float32"))


@lru_cache(maxsize=4)
def _embedder(model: str, layer: str, input_items: tuple) -> Embedder:
    """One loaded network per worker process, reused for every song."""
    return Embedder(model, layer, dict(input_items))


class Embedder:
    """A network cut at `layer`, with the input pipeline it expects."""

    def __init__(self, model: str, layer: str, input: dict):
        path = Path(model)
        self.trained = None
        if (path / META).is_file():
            self.trained = TrainedRun(path)
            if self.trained.members or not self.trained.entry.is_keras:
                raise DataError(f"embeddings model={model!r}: a Keras run trained without "
                                "k-fold is needed (a .keras network)")
            network = self.trained.model
        elif path.suffix == ".keras" and path.is_file():
            if not input.get("transform"):
                raise DataError(f"embeddings input is needed for the bare network {model!r}: "
                                "{transform: <name>, ...its params}")
            network = keras.saving.load_model(path)
        else:
            raise DataError(f"embeddings model={model!r}: not a genrepipe model folder "
                            "(with meta.json) nor a .keras file")
        names = [lyr.name for lyr in network.layers]
        if layer not in names:
            raise DataError(f"embeddings layer={layer!r} is not a layer of {model!r}; "
                            f"expected one of: {', '.join(names)}")
        self.network = keras.Model(network.inputs, network.get_layer(layer).output)
        self.input = input

    def __call__(self, windows: np.ndarray, sr: int, batch_size: int = 64) -> np.ndarray:
        out = infer(self.network, self._inputs(windows, sr), batch_size)
        return out.reshape(len(windows), -1).astype(np.float32)

    def _inputs(self, windows: np.ndarray, sr: int) -> np.ndarray:
        if self.trained is None:  # a bare network: the named transform, reshaped to its input
            params = {k: v for k, v in self.input.items() if k != "transform"}
            features = compute(self.input["transform"], windows, sr, params)
            expected = tuple(self.network.input_shape[1:])
            if int(np.prod(features.shape[1:])) != int(np.prod(expected)):
                raise DataError(f"{self.input['transform']} features {features.shape[1:]} do not fit "
                                f"the network's input {expected}")
            return features.reshape(len(windows), *expected).astype(np.float32)
        meta = self.trained.meta
        if sr != meta["sample_rate"]:
            import librosa

            windows = librosa.resample(windows, orig_sr=sr, target_sr=meta["sample_rate"],
                                       res_type="soxr_hq", axis=-1)
        if windows.shape[-1] != meta["window_samples"]:
            raise DataError(f"the embedding run {meta['run']!r} takes {meta['window']:g} s windows "
                            f"({meta['window_samples']} samples at {meta['sample_rate']} Hz); set "
                            f"window: {meta['window']:g} (and hop) to use it")
        features = featurize(meta["transform"], windows, meta["sample_rate"], meta["transform_params"])
        stats = BandStats.from_dict(meta["normalization"]) if meta["normalization"] else None
        return prepare(self.trained.entry, stats, features)
