"""Model registry: which models exist, what kind they are, how their inputs are shaped."""

from __future__ import annotations

KERAS_MODELS = ("cnn1d", "cnn2d", "samplecnn")
SKLEARN_MODELS = ("svc", "rfc", "linsvm", "logreg", "knn", "mlp", "perceptron", "elm", "randomcnn")
# Keras models whose inputs are standardised band by band (a waveform is not: it has no bands).
BAND_NORMALISED = ("cnn1d", "cnn2d")


def is_keras(model: str) -> bool:
    """True for models trained with Keras (saved as .keras), False for scikit-learn ones."""
    return model in KERAS_MODELS
