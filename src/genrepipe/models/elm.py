"""An extreme learning machine: a fixed random hidden layer and a ridge-regression readout.

Seed 000 (randomly weighted CNNs) pairs random features with an SVM or an ELM; this is the
ELM, as a small scikit-learn-compatible classifier usable on any vector features.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data


class ExtremeLearningMachine(ClassifierMixin, BaseEstimator):
    """Random hidden layer (Gaussian weights, tanh) and a ridge readout on one-hot targets.

    Parameters
    ----------
    n_hidden : int > 0
        Hidden units.
    alpha : float > 0
        Ridge penalty of the readout.
    random_state : int or None
        Seeds the hidden weights.

    Attributes
    ----------
    classes_ : np.ndarray, shape (n_classes,)
    hidden_weights_ : np.ndarray, shape (n_features, n_hidden)
    hidden_bias_ : np.ndarray, shape (n_hidden,)
    readout_ : np.ndarray, shape (n_hidden + 1, n_classes)

    Examples
    --------
    >>> X = np.r_[np.zeros((5, 2)), np.ones((5, 2))]; y = [0] * 5 + [1] * 5
    >>> ExtremeLearningMachine(n_hidden=20, random_state=0).fit(X, y).predict([[1, 1]])
    array([1])
    """

    def __init__(self, n_hidden: int = 1000, alpha: float = 1.0, random_state: int | None = None):
        self.n_hidden = n_hidden
        self.alpha = alpha
        self.random_state = random_state

    def _hidden(self, X: np.ndarray) -> np.ndarray:
        h = np.tanh(X @ self.hidden_weights_ + self.hidden_bias_)
        return np.hstack([h, np.ones((h.shape[0], 1))])

    def fit(self, X, y):
        X, y = validate_data(self, X, y)
        self.classes_ = unique_labels(y)
        rng = np.random.default_rng(self.random_state)
        # unit-variance pre-activations for standardised inputs
        self.hidden_weights_ = rng.normal(0, 1 / np.sqrt(X.shape[1]), (X.shape[1], self.n_hidden))
        self.hidden_bias_ = rng.normal(0, 1, self.n_hidden)
        h = self._hidden(X)
        targets = (y[:, None] == self.classes_[None, :]).astype(np.float64)
        gram = h.T @ h + self.alpha * np.eye(h.shape[1])
        self.readout_ = np.linalg.solve(gram, h.T @ targets)
        return self

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "readout_")
        X = validate_data(self, X, reset=False)
        return self._hidden(X) @ self.readout_

    def predict_proba(self, X) -> np.ndarray:
        """Readout scores clipped at a small floor and normalised to sum to 1 per row."""
        scores = np.clip(self.decision_function(X), 1e-6, None)
        return scores / scores.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]


def estimator(settings, seed: int, n_jobs: int) -> ExtremeLearningMachine:
    """The `elm` model of the registry."""
    return ExtremeLearningMachine(n_hidden=settings["n_hidden"], alpha=settings["alpha"],
                                  random_state=seed)
