"""Randomly weighted CNN features (seed 000): an untrained, seeded CNN as a feature extractor.

`architecture: blocks` (genrepipe's own): each conv block's feature maps are summarised by
their mean and maximum over time (and frequency). The other architectures are seed 000's
(`random_architectures`): the mean of every feature map of the selected `layers`. The
summaries are concatenated into one vector per window, which a classifier (an SVM, or the
ELM, as in seed 000) then learns from.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.svm import SVC
from sklearn.utils.validation import check_is_fitted

from ..core.errors import parameter_error
from .elm import ExtremeLearningMachine
from .random_architectures import BUILDERS, DEFAULT_LAYERS


class RandomCNNFeatures(TransformerMixin, BaseEstimator):
    """Features of a CNN with fixed random (He-normal, seeded) weights; never trained.

    Parameters
    ----------
    window_shape : tuple of int
        One window's features: (bands, frames) for a spectrogram, (samples,) for a waveform.
        Rows of X are windows flattened to this shape.
    filters : sequence of int
        Filters of each conv block (conv, ReLU, max pool) of `architecture="blocks"`.
    kernel_size, pool_size : int
        Of the blocks.
    random_state : int
    architecture : str
        ``blocks`` or one of `random_architectures.BUILDERS` (seed 000).
    n_filters : int
        Filters per layer of seed 000's architectures (its ``num_filters``).
    layers : sequence of int or None
        Which of the architecture's layers give features (None: seed 000's default).

    Attributes
    ----------
    weights_ : list of np.ndarray
        Kernels and biases of every block (all that is saved; the network is rebuilt from them).
    """

    def __init__(self, window_shape=(128, 130), filters=(32, 32, 32), kernel_size=3, pool_size=2,
                 random_state=0, architecture="blocks", n_filters=64, layers=None):
        self.window_shape = window_shape
        self.filters = filters
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.random_state = random_state
        self.architecture = architecture
        self.n_filters = n_filters
        self.layers = layers

    def _build(self):
        return self._blocks() if self.architecture == "blocks" else self._seed000()

    def _seed000(self):
        """One of seed 000's front ends; the mean of every map of the selected layers."""
        from ..core.backend import keras

        layers = keras.layers
        seeds = iter(range(int(self.random_state) * 1000, int(self.random_state) * 1000 + 1000))

        def init():
            return keras.initializers.HeNormal(seed=next(seeds))

        inputs = keras.Input(shape=(*self.window_shape, 1))
        # a spectrogram (bands, frames) is laid out time first, (frames, bands), as in seed 000
        x = layers.Permute((2, 1, 3))(inputs) if len(self.window_shape) == 2 else inputs
        maps = BUILDERS[self.architecture](x, int(self.n_filters), init)
        chosen = self.layers if self.layers is not None else DEFAULT_LAYERS.get(
            self.architecture, range(len(maps)))
        if any(not 0 <= i < len(maps) for i in chosen):
            raise parameter_error("models.randomcnn.layers", list(chosen), "is out of range: "
                                  f"architecture {self.architecture} has {len(maps)} layer(s)",
                                  f"indices 0 to {len(maps) - 1}, or null")
        means = [(layers.GlobalAveragePooling2D() if len(maps[i].shape) == 4
                  else layers.GlobalAveragePooling1D())(maps[i]) for i in chosen]
        return keras.Model(inputs, means[0] if len(means) == 1 else layers.Concatenate()(means))

    def _blocks(self):
        from ..core.backend import keras

        layers = keras.layers
        two_d = len(self.window_shape) == 2
        conv, pool = (layers.Conv2D, layers.MaxPooling2D) if two_d else (layers.Conv1D, layers.MaxPooling1D)
        mean, peak = ((layers.GlobalAveragePooling2D, layers.GlobalMaxPooling2D) if two_d
                      else (layers.GlobalAveragePooling1D, layers.GlobalMaxPooling1D))
        inputs = keras.Input(shape=(*self.window_shape, 1))
        x, summaries = inputs, []
        for i, filters in enumerate(self.filters):
            init = keras.initializers.HeNormal(seed=int(self.random_state) * 1000 + i)
            x = conv(filters, self.kernel_size, padding="same", activation="relu",
                     kernel_initializer=init, bias_initializer="zeros")(x)
            summaries += [mean()(x), peak()(x)]
            x = pool(self.pool_size, padding="same")(x)
        return keras.Model(inputs, layers.Concatenate()(summaries))

    def _network(self):
        if getattr(self, "_cached", None) is None:
            network = self._build()
            network.set_weights(self.weights_)
            self._cached = network
        return self._cached

    def fit(self, X, y=None):
        network = self._build()
        self.weights_ = [np.asarray(w) for w in network.get_weights()]
        self._cached = network
        self.n_features_in_ = int(np.prod(self.window_shape))
        return self

    def transform(self, X, batch_size: int = 64) -> np.ndarray:
        from ..core.backend import infer

        check_is_fitted(self, "weights_")
        X = np.asarray(X, dtype=np.float32).reshape(-1, *self.window_shape, 1)
        return infer(self._network(), X, batch_size)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_cached", None)  # a Keras model is rebuilt from weights_, never saved
        return state


def estimator(settings, seed: int, n_jobs: int):
    """The classifier on the random features (`classifier`): an RBF SVM, or seed 000's other
    choice, the ELM (`n_hidden`, `alpha`); calibrated (see `models.classic`)."""
    if settings["classifier"] == "elm":
        return ExtremeLearningMachine(n_hidden=settings["n_hidden"], alpha=settings["alpha"],
                                      random_state=seed)
    return SVC(C=settings["C"], gamma=settings["gamma"], random_state=seed)


def featurizer(settings, seed: int, window_shape: tuple[int, ...]) -> RandomCNNFeatures:
    """The step before the scaler: the random CNN's features of each window."""
    return RandomCNNFeatures(window_shape=tuple(window_shape), filters=tuple(settings["filters"]),
                             kernel_size=settings["kernel_size"], pool_size=settings["pool_size"],
                             random_state=seed, architecture=settings["architecture"],
                             n_filters=settings["n_filters"],
                             layers=None if settings["layers"] is None else tuple(settings["layers"]))

