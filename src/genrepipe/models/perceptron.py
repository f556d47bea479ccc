"""`perceptron`: a linear perceptron (probabilities calibrated: see `models.classic`)."""

from sklearn.linear_model import Perceptron


def estimator(settings, seed: int, n_jobs: int):
    return Perceptron(alpha=settings["alpha"], penalty=settings["penalty"],
                      max_iter=settings["max_iter"], random_state=seed)
