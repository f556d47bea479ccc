"""`svc`: an RBF support vector machine (probabilities calibrated: see `models.classic`)."""

from sklearn.svm import SVC


def estimator(settings, seed: int, n_jobs: int):
    return SVC(C=settings["C"], gamma=settings["gamma"], random_state=seed)
