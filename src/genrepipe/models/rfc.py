"""`rfc`: a random forest, its trees grown in `n_jobs` threads."""

from sklearn.ensemble import RandomForestClassifier


def estimator(settings, seed: int, n_jobs: int):
    return RandomForestClassifier(
        n_estimators=settings["n_estimators"], max_depth=settings["max_depth"],
        min_samples_leaf=settings["min_samples_leaf"], max_features=settings["max_features"],
        random_state=seed, n_jobs=n_jobs)
