"""Model registry: which models exist, what kind they are, how their inputs are shaped."""

from __future__ import annotations

KERAS_MODELS = ("cnn1d", "cnn2d")
SKLEARN_MODELS = ("svc", "rfc", "linsvm", "logreg", "knn", "mlp", "perceptron", "elm")


def is_keras(model: str) -> bool:
    """True for models trained with Keras (saved as .keras), False for scikit-learn ones."""
    return model in KERAS_MODELS
