"""Randomly weighted CNN features (seed 000): an untrained, seeded CNN as a feature extractor.

Each conv block's feature maps are summarised by their mean and maximum over time (and
frequency), and the summaries of all blocks are concatenated into one vector per window,
which a classifier (an SVM, or the ELM) then learns from.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.svm import SVC
from sklearn.utils.validation import check_is_fitted


class RandomCNNFeatures(TransformerMixin, BaseEstimator):
    """Features of a CNN with fixed random (He-normal, seeded) weights; never trained.

    Parameters
    ----------
    window_shape : tuple of int
        One window's features: (bands, frames) for a spectrogram, (samples,) for a waveform.
        Rows of X are windows flattened to this shape.
    filters : sequence of int
        Filters of each conv block (conv, ReLU, max pool).
    kernel_size, pool_size : int
    random_state : int

    Attributes
    ----------
    weights_ : list of np.ndarray
        Kernels and biases of every block (all that is saved; the network is rebuilt from them).
    """

    def __init__(self, window_shape=(128, 130), filters=(32, 32, 32), kernel_size=3, pool_size=2,
                 random_state=0):
        self.window_shape = window_shape
        self.filters = filters
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.random_state = random_state

    def _build(self):
        from ..backend import keras

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
        from ..backend import keras

        check_is_fitted(self, "weights_")
        X = np.asarray(X, dtype=np.float32).reshape(-1, *self.window_shape, 1)
        network = self._network()
        out = [keras.ops.convert_to_numpy(network(X[i:i + batch_size], training=False))
               for i in range(0, len(X), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, 2 * sum(self.filters)), np.float32)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_cached", None)  # a Keras model is rebuilt from weights_, never saved
        return state


def estimator(settings, seed: int, n_jobs: int):
    """The classifier on the random features: an RBF SVM (calibrated: see `models.classic`)."""
    return SVC(C=settings["C"], gamma=settings["gamma"], random_state=seed)


def featurizer(settings, seed: int, window_shape: tuple[int, ...]) -> RandomCNNFeatures:
    """The step before the scaler: the random CNN's features of each window."""
    return RandomCNNFeatures(window_shape=tuple(window_shape), filters=tuple(settings["filters"]),
                             kernel_size=settings["kernel_size"], pool_size=settings["pool_size"],
                             random_state=seed)
