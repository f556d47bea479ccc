"""A trained run's folder, loaded back: window probabilities from features, nothing else needed.

`models/<run>/` holds the model (`model.keras` or `model.skops`) and `meta.json` with
everything prediction needs: classes, transform and its params, window, hop, sample rate,
normalisation statistics and the params it was trained with. Prediction never reads the
current params.yaml, so a model trained yesterday still predicts after params change.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import DataError
from .normalize import BandStats
from .models import is_keras
from .models.classic import vectorize
from .store import read_json

META = "meta.json"
KERAS_FILE = "model.keras"
SKOPS_FILE = "model.skops"
# The only non-default types our scikit-learn pipelines contain; anything else is refused.
TRUSTED_SKOPS_TYPES = (
    "genrepipe.models.elm.ExtremeLearningMachine",
    "genrepipe.models.randomcnn.RandomCNNFeatures",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.tree._tree.Tree",
)


def load_skops(path: Path):
    """Load a scikit-learn pipeline saved with skops, trusting only the types we save."""
    import skops.io

    untrusted = skops.io.get_untrusted_types(file=path)
    unexpected = sorted(set(untrusted) - set(TRUSTED_SKOPS_TYPES))
    if unexpected:
        raise DataError(f"{path}: holds types genrepipe does not save ({', '.join(unexpected)}); "
                        "refusing to load it")
    return skops.io.load(path, trusted=untrusted)


class TrainedRun:
    """Everything needed to turn a song's features into class probabilities.

    A k-fold run (``dataset.split: kfold``) holds one model per fold; it predicts with the mean
    of their probabilities.

    Parameters
    ----------
    folder : path-like
        `models/<run>`, as written by the train stage.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        if not (self.folder / META).is_file():
            raise DataError(f"{self.folder}: not a trained run (no {META}); run `dvc repro` first")
        self.meta = read_json(self.folder / META)
        self.model: str = self.meta["model"]
        self.classes: list[str] = self.meta["classes"]
        self.transform: str = self.meta["transform"]
        # a k-fold run is an ensemble of its fold models
        self.members = [TrainedRun(self.folder / fold) for fold in self.meta.get("folds", [])]
        if self.members:
            return
        self.stats = BandStats.from_dict(self.meta["normalization"]) if self.meta["normalization"] else None
        if is_keras(self.model):
            from .backend import keras

            self.network = keras.saving.load_model(self.folder / KERAS_FILE)
        else:
            self.pipeline = load_skops(self.folder / SKOPS_FILE)

    def predict_windows(self, windows: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """Class probabilities of each window.

        Parameters
        ----------
        windows : np.ndarray, shape (n_windows, *window_shape)
            Features from this run's transform, with its params.
        batch_size : int > 0
            Windows per forward pass of a CNN.

        Returns
        -------
        np.ndarray, shape (n_windows, n_classes), rows summing to 1
        """
        expected = tuple(self.meta["window_shape"])
        if tuple(windows.shape[1:]) != expected:
            raise DataError(f"features of shape {tuple(windows.shape[1:])} per window do not fit run "
                            f"{self.meta['run']!r}; it was trained on {expected}")
        if self.members:
            return np.mean([m.predict_windows(windows, batch_size) for m in self.members], axis=0)
        if not is_keras(self.model):
            return self.pipeline.predict_proba(vectorize(self.model, windows))
        from .backend import keras
        from .models.cnn import input_layout

        x = self.stats.apply(windows) if self.stats else np.asarray(windows, dtype=np.float32)
        x = input_layout(self.model, x)
        chunks = [keras.ops.convert_to_numpy(self.network(x[i:i + batch_size], training=False))
                  for i in range(0, len(x), batch_size)]
        return np.concatenate(chunks).astype(np.float64)
