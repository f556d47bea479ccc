"""`knn`: k nearest neighbours, searched in `n_jobs` threads."""

from sklearn.neighbors import KNeighborsClassifier


def estimator(settings, seed: int, n_jobs: int):
    return KNeighborsClassifier(n_neighbors=settings["n_neighbors"], weights=settings["weights"],
                                n_jobs=n_jobs)
