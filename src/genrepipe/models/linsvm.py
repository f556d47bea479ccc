"""`linsvm`: a linear support vector machine (probabilities calibrated: see `models.classic`)."""

from sklearn.svm import LinearSVC


def estimator(settings, seed: int, n_jobs: int):
    return LinearSVC(C=settings["C"], max_iter=settings["max_iter"], random_state=seed)
