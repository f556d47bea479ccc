"""`logreg`: logistic regression."""

from sklearn.linear_model import LogisticRegression


def estimator(settings, seed: int, n_jobs: int):
    return LogisticRegression(C=settings["C"], max_iter=settings["max_iter"], random_state=seed)
