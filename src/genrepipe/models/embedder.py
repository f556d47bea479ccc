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

from ..core.backend import infer, keras
from ..core.errors import parameter_error
from ..core.workspace import resolve_path
from ..transforms.registry import compute, featurize
from .entry import META
from .network import prepare
from .normalize import BandStats
from .trained import TrainedRun


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
    embedder = _embedder(name, str(resolve_path(settings["model"])), settings["layer"], frozen)
    return np.ascontiguousarray(embedder(np.asarray(y, dtype=np.float32), sr),
                                dtype=settings.get("dtype", "float32"))


@lru_cache(maxsize=4)
def _embedder(name: str, model: str, layer: str, input_items: tuple) -> Embedder:
    """One loaded network per worker process, reused for every song."""
    return Embedder(name, model, layer, dict(input_items))


class Embedder:
    """A network cut at `layer`, with the input pipeline it expects (`name`: the embedding's
    key under `embeddings`, named by its errors)."""

    def __init__(self, name: str, model: str, layer: str, input: dict):
        self.key = f"embeddings.{name}"
        self.trained = None
        self.input = input
        network = self._load(model)
        names = [lyr.name for lyr in network.layers]
        if layer not in names:
            raise parameter_error(f"{self.key}.layer", layer, f"is not a layer of {model}",
                                  f"one of: {', '.join(names)}")
        self.network = keras.Model(network.inputs, network.get_layer(layer).output)

    def _load(self, model: str) -> keras.Model:
        """The whole network: a trained run's (self.trained set), or a bare .keras file's."""
        path = Path(model)
        if (path / META).is_file():
            self.trained = TrainedRun(path)
            if self.trained.members or not self.trained.entry.is_keras:
                raise parameter_error(f"{self.key}.model", model, "is a run trained with k-fold "
                                      "or without Keras", "a Keras run trained without k-fold")
            return self.trained.model
        if path.suffix == ".keras" and path.is_file():
            if not self.input.get("transform"):
                raise parameter_error(f"{self.key}.input", self.input or None, "is needed for "
                                      f"the bare network {model}", "{transform: <name>, ...its params}")
            return keras.saving.load_model(path)
        raise parameter_error(f"{self.key}.model", model, "is not a genrepipe model folder "
                              "(with meta.json) nor a .keras file", "a trained run's folder "
                              "(models/<run>) or a .keras file")

    def __call__(self, windows: np.ndarray, sr: int, batch_size: int = 64) -> np.ndarray:
        out = infer(self.network, self._inputs(windows, sr), batch_size)
        return out.reshape(len(windows), -1).astype(np.float32)

    def _inputs(self, windows: np.ndarray, sr: int) -> np.ndarray:
        if self.trained is None:  # a bare network: the named transform, reshaped to its input
            params = {k: v for k, v in self.input.items() if k != "transform"}
            features = compute(self.input["transform"], windows, sr, params)
            expected = tuple(self.network.input_shape[1:])
            if int(np.prod(features.shape[1:])) != int(np.prod(expected)):
                raise parameter_error(f"{self.key}.input", self.input, f"gives features of shape "
                                      f"{features.shape[1:]}, which do not fit the network's "
                                      f"input {expected}", "a transform and params giving "
                                      f"{int(np.prod(expected))} values per window")
            return features.reshape(len(windows), *expected).astype(np.float32)
        meta = self.trained.meta
        window = round(windows.shape[-1] / sr, 6)  # the pipeline's, in seconds
        if sr != meta["sample_rate"]:
            import librosa

            windows = librosa.resample(windows, orig_sr=sr, target_sr=meta["sample_rate"],
                                       res_type="soxr_hq", axis=-1)
        if windows.shape[-1] != meta["window_samples"]:
            raise parameter_error("window", window, f"does not fit {self.key}.model: run "
                                  f"{meta['run']!r} takes {meta['window']:g} s windows "
                                  f"({meta['window_samples']} samples at {meta['sample_rate']} Hz)",
                                  f"{meta['window']:g} (and a hop) to use it")
        features = featurize(meta["transform"], windows, meta["sample_rate"], meta["transform_params"])
        stats = BandStats.from_dict(meta["normalization"]) if meta["normalization"] else None
        return prepare(self.trained.entry, stats, features)
