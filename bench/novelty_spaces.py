"""Why the novelty stage does not judge in a run's own feature space (docs/evaluation.md#unknown):
for each transform of a project, each song as the mean and spread of its window vectors
(`models.vectors`), three distances to the training songs (5 nearest, Ledoit-Wolf Mahalanobis,
the stage's range sum), each threshold set as the stage sets it, and the sounds of
`bench/novelty_cross.py clips` judged by each (distance over threshold; > 1: unknown).

    python bench/novelty_spaces.py PROJECT   (a project after `dvc repro`)
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from genrepipe.dataset.featureset import FeatureSet
from genrepipe.models.vectors import song_vector, window_vectors
from genrepipe.pipeline.novelty import fit_range
from genrepipe.predict import Featurisation, Prepared, prepare_song
from genrepipe.sources.files import library_files

sys.path.insert(0, str(Path(__file__).parent))
from novelty_cross import sounds  # noqa: E402


def nearest(reference: np.ndarray, songs: np.ndarray, k: int = 5) -> np.ndarray:
    center, scale = reference.mean(axis=0), reference.std(axis=0) + 1e-9
    a, b = (reference - center) / scale, (songs - center) / scale
    d = np.sqrt(((b[:, None] - a[None]) ** 2).mean(axis=-1))
    return np.sort(d, axis=1)[:, :k].mean(axis=1)


def mahalanobis(reference: np.ndarray, songs: np.ndarray) -> np.ndarray:
    from sklearn.covariance import LedoitWolf

    center, scale = reference.mean(axis=0), reference.std(axis=0) + 1e-9
    fit = LedoitWolf().fit((reference - center) / scale)
    return np.sqrt(fit.mahalanobis((songs - center) / scale) / reference.shape[1])


def judged(distance, reference: np.ndarray, held_out: np.ndarray, others: np.ndarray) -> np.ndarray:
    return distance(reference, others) / np.percentile(distance(reference, held_out), 99)


def main() -> None:
    project = Path(sys.argv[1])
    seen = set()
    with tempfile.TemporaryDirectory() as folder:
        files = library_files(sounds(Path(folder)))
        for meta_file in sorted(project.glob("models/*/meta.json")):
            meta = json.loads(meta_file.read_text())
            if meta["transform"] in seen:
                continue
            seen.add(meta["transform"])
            features = FeatureSet(project / "data/features" / meta["transform"])
            songs = features.songs(originals=True)
            vectors = np.array([song_vector(window_vectors(features.load(s["song_id"])))[0] for s in songs])
            splits = [s["split"] for s in songs]
            featurisation = Featurisation.of(meta)
            prepared = [prepare_song(f, [featurisation]) for f in files]
            kept = [(Path(f.shown).stem, p) for f, p in zip(files, prepared) if isinstance(p, Prepared)]
            others = np.array([song_vector(window_vectors(p.features[featurisation]))[0] for _, p in kept])
            fitted = fit_range(vectors, splits)
            reference, held = vectors[fitted.reference.reference], vectors[fitted.reference.held_out]
            rows = {"range sum": fitted.range.distance(others) / fitted.threshold,
                    "5 nearest": judged(nearest, reference, held, others),
                    "Mahalanobis": judged(mahalanobis, reference, held, others)}
            for name, values in rows.items():
                print(f"{meta['transform']:<10} {name:<12} " +
                      "  ".join(f"{n} {v:.2f}" for (n, _), v in zip(kept, values)))


if __name__ == "__main__":
    main()
