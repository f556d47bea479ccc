"""Whole-song prediction with a trained run: decode, window, transform, classify, average.

Everything comes from the run's model folder (sample rate, window, hop, transform and its
params, normalisation, classes), never from the current params.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audio import BadAudio, canonical, load_audio
from .errors import DataError
from .results import chosen_on, has_results, read_results
from .store import atomic_path
from .trained import TrainedRun
from .transforms.registry import featurize
from .windows import frame_signal


@dataclass
class SongPrediction:
    """One song's window probabilities, their mean, and where each window starts (seconds)."""

    path: str
    classes: list[str]
    window_probs: np.ndarray
    starts: np.ndarray
    hop: float
    duration: float
    padded: bool

    @property
    def probs(self) -> np.ndarray:
        """The song's score: the mean of its windows' probabilities."""
        return self.window_probs.mean(axis=0)

    def ranking(self, top: int | None = None) -> list[tuple[str, float]]:
        """(class, probability) pairs, most likely first."""
        order = np.argsort(-self.probs, kind="stable")[:top]
        return [(self.classes[i], float(self.probs[i])) for i in order]

    def top_classes(self, k: int) -> SongPrediction:
        """The same prediction restricted to its `k` most likely classes (tags), best first."""
        keep = np.argsort(-self.probs, kind="stable")[:k]
        return SongPrediction(self.path, [self.classes[i] for i in keep], self.window_probs[:, keep],
                              self.starts, self.hop, self.duration, self.padded)

    def to_dict(self, top: int | None = None) -> dict:
        return {"path": self.path, "duration_s": round(self.duration, 3), "padded": self.padded,
                "n_windows": int(len(self.window_probs)),
                "ranking": [{"genre": c, "probability": round(p, 6)} for c, p in self.ranking(top)]}


def check_file(path: str | Path) -> None:
    """A missing path says so (the decoder, which catches everything, would call it undecodable)."""
    if not Path(path).exists():
        raise DataError(f"{path}: not found")
    if not Path(path).is_file():
        raise DataError(f"{path}: not a file; expected an audio file")


def predict_song(trained: TrainedRun, path: str | Path) -> SongPrediction:
    """Classify one audio file of any format and length with `trained`.

    A song shorter than one window is zero-padded to one window (`padded` is then True).

    Raises
    ------
    DataError
        When the file cannot be decoded or holds no usable audio, with the path and reason.
    """
    meta = trained.meta
    sr = meta["sample_rate"]
    check_file(path)
    try:
        y = canonical(load_audio(path, sr), sr)  # decoded as the download stage decodes
    except BadAudio as exc:
        raise DataError(f"{path}: {exc}") from None
    windows = frame_signal(y, meta["window_samples"], meta["hop_samples"], pad_short=True)
    features = featurize(trained.transform, windows, sr, meta["transform_params"])
    if not np.isfinite(features).all():
        raise DataError(f"{path}: the {trained.transform} features are not finite")
    starts = np.arange(len(windows)) * meta["hop_samples"] / sr
    return SongPrediction(str(path), trained.classes, trained.predict_windows(features), starts,
                          meta["hop_samples"] / sr, y.size / sr,
                          padded=y.size < meta["window_samples"])


def tag_song(path: str | Path, tagger: str = "MSD_musicnn") -> SongPrediction:
    """The pretrained musicnn tagger's tag probabilities for a whole song: its log-mel input in
    3 s patches (187 frames; a shorter song is one patch), the taggram of each, their mean.

    Tags are independent (sigmoid outputs), so they do not sum to 1.
    """
    from .pretrained.musicnn import LABELS, PATCH_FRAMES, SR, HOP, log_mel, pretrained, run

    check_file(path)
    try:
        y = load_audio(path, SR)
    except BadAudio as exc:
        raise DataError(f"{path}: {exc}") from None
    x = log_mel(y, SR)
    n = max(1, len(x) // PATCH_FRAMES)
    patches = x[None] if len(x) < PATCH_FRAMES else x[:n * PATCH_FRAMES].reshape(n, PATCH_FRAMES, -1)
    taggram = run(pretrained(tagger), patches, ("taggram",))["taggram"].astype(np.float64)
    hop = PATCH_FRAMES * HOP / SR
    return SongPrediction(str(path), list(LABELS[tagger]), taggram, np.arange(n) * hop, hop,
                          y.size / SR, padded=len(x) < PATCH_FRAMES)


def best_run(runs_dir: str | Path, runs: Sequence[str] | None = None) -> str:
    """The name of `choose_run`'s run."""
    return choose_run(runs_dir, runs)[0]


def choose_run(runs_dir: str | Path, runs: Sequence[str] | None = None) -> tuple[str, str]:
    """The run to use by default, and why: of `runs` (None: every run with results in
    `runs_dir`), the one with the highest valid song accuracy (k-fold: cross-validated), never
    chosen on test, and never a run that did no better than chance on valid. Ties go to the
    higher valid song macro-F1, then to the simpler model (scikit-learn before Keras), then to
    the name."""
    from .models.registry import MODELS

    runs_dir = Path(runs_dir)
    names = list(runs) if runs is not None else sorted(p.stem for p in runs_dir.glob("*.json"))
    results = {n: read_results(runs_dir, n) for n in names if has_results(runs_dir, n)}
    if not results:
        raise DataError(f"{runs_dir}: no run metrics; run `make repro` (or `dvc repro`) first")
    split = {n: chosen_on(r.scores) for n, r in results.items()}
    learned = [n for n, (_, m) in split.items() if m.get("above_chance", True)]
    if not learned:
        raise DataError(f"{runs_dir}: no run did better than chance on its valid songs "
                        f"({', '.join(results)}); choose one with --run if you must")

    def keras(n: str) -> bool:
        model = results[n].info.get("model")
        return model in MODELS and MODELS[model].is_keras

    def key(n: str) -> tuple:
        scores = split[n][1]
        return (-scores["song_accuracy"], -scores.get("song_macro_f1", 0.0), keras(n), n)

    ranked = sorted(learned, key=key)
    best, (on, scores) = ranked[0], split[ranked[0]]
    reason = f"the best {on} song accuracy ({scores['song_accuracy']:.3f}) of {len(learned)} runs"
    tied = [n for n in ranked[1:] if key(n)[0] == key(best)[0]]
    if tied:
        rule = ("higher macro-F1" if key(tied[0])[1] != key(best)[1] else
                "the simpler model (scikit-learn before Keras)" if key(tied[0])[2] != key(best)[2]
                else "name")
        reason += (f"; tied with {', '.join(tied)}, chosen by {rule} ({on} song macro-F1 "
                   f"{scores.get('song_macro_f1', 0.0):.3f})")
    return best, reason


def plot_rankings(predictions: list[SongPrediction], path: str | Path, title: str) -> None:
    """A horizontal bar chart of each song's genre probabilities, one panel per song."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(predictions)
    fig, axes = plt.subplots(n, 1, figsize=(7, 0.35 * len(predictions[0].classes) * n + 1.2),
                             squeeze=False)
    for ax, prediction in zip(axes[:, 0], predictions, strict=True):
        ranking = prediction.ranking()[::-1]
        ax.barh([c for c, _ in ranking], [p for _, p in ranking], color="C0")
        ax.set_xlim(0, 1)
        ax.set_title(Path(prediction.path).name, fontsize=10)
        ax.set_xlabel("probability (mean of windows)")
    fig.suptitle(title)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)


def plot_timelines(predictions: list[SongPrediction], path: str | Path, title: str) -> None:
    """Genre probabilities along each song: a genre x time heat map per song."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sum(len(p.classes) for p in predictions)
    fig, axes = plt.subplots(len(predictions), 1, figsize=(10, 0.3 * rows + 1.5 * len(predictions)),
                             squeeze=False)
    for ax, prediction in zip(axes[:, 0], predictions, strict=True):
        classes = prediction.classes
        edges = np.append(prediction.starts, prediction.starts[-1] + prediction.hop)
        image = ax.pcolormesh(edges, np.arange(len(classes) + 1), prediction.window_probs.T,
                              vmin=0, vmax=1, cmap="magma")
        ax.set_yticks(np.arange(len(classes)) + 0.5, classes)
        ax.set_xlabel("time (s, window start)")
        ax.set_title(Path(prediction.path).name, fontsize=10)
        fig.colorbar(image, ax=ax, label="probability")
    fig.suptitle(title)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
