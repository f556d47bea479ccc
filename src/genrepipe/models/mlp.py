"""`mlp`: scikit-learn's multi-layer perceptron (seed 001)."""

from sklearn.neural_network import MLPClassifier


def estimator(settings, seed: int, n_jobs: int):
    return MLPClassifier(hidden_layer_sizes=tuple(settings["hidden"]), alpha=settings["alpha"],
                         learning_rate_init=settings["learning_rate"],
                         max_iter=settings["max_iter"], random_state=seed)
