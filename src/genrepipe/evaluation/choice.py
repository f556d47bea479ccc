"""Which model `genrepipe predict` uses when none is named: the best run, or the fusion when it
is better, on the split that chooses (valid; k-fold: cross-validated), never on test, never one
no better than chance, with the tie rule written down and the reason said. The fusion's score is
never one it learnt on: on valid, each part of valid combined as learnt on the others."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..core.errors import DataError
from ..models.registry import MODELS
from .fusion_model import is_fusion_model, read_fusion_model
from .results import FUSION, chosen_on, has_results, read_results
from .tasks.lookup import task_of_record

def best_run(runs_dir: str | Path, runs: Sequence[str] | None = None) -> str:
    """The name of `choose_run`'s run."""
    return choose_run(runs_dir, runs)[0]


def choose_run(runs_dir: str | Path, runs: Sequence[str] | None = None,
               fusion_dir: str | Path | None = None) -> tuple[str, str]:
    """The run to use by default, and why: of `runs` (None: every run with results in
    `runs_dir`), the one with the highest valid song accuracy (k-fold: cross-validated), never
    chosen on test, and never a run that did no better than chance on valid. Ties go to the
    higher valid song macro-F1, then to the simpler model (scikit-learn before Keras), then to
    the name. Taggers are ranked by macro ROC-AUC, then macro PR-AUC. The fusion of
    `fusion_dir` (a model folder), when there is one, is chosen instead only when its score
    (`fusion_model`: never learnt on the songs it is scored on) is higher than the best run's."""
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

    def key(n: str) -> tuple:  # the task's headline, then its second score
        scores, task = split[n][1], task_of_record(results[n].scores)
        return (-scores[task.headline_key], -(scores.get(task.second_key) or 0.0), keras(n), n)

    ranked = sorted(learned, key=key)
    best, (on, scores) = ranked[0], split[ranked[0]]
    task = task_of_record(results[best].scores)
    fusion = read_fusion_model(fusion_dir) if fusion_dir and is_fusion_model(fusion_dir) else None
    if fusion is not None and fusion["choice"]["above_chance"]:
        choice = fusion["choice"]
        if choice["score"] is not None and choice["score"] > scores[task.headline_key]:
            return FUSION, (f"the fusion ({fusion['method']} of {len(fusion['combination'].members)} "
                            f"runs) has the best {task.headline_name}: {choice['score']:.3f} "
                            f"({choice['on']}), against {scores[task.headline_key]:.3f} for the best "
                            f"run, {best} ({on})")
    reason = f"the best {on} {task.headline_name} ({scores[task.headline_key]:.3f}) of {len(learned)} runs"
    if fusion is not None and fusion["choice"]["score"] is not None:
        reason += f" (the fusion: {fusion['choice']['score']:.3f}, {fusion['choice']['on']})"
    tied = [n for n in ranked[1:] if key(n)[0] == key(best)[0]]
    if tied:
        second = task.second_name
        rule = (task.second_rule if key(tied[0])[1] != key(best)[1] else
                "the simpler model (scikit-learn before Keras)" if key(tied[0])[2] != key(best)[2]
                else "name")
        reason += f"; tied with {', '.join(tied)}, chosen by {rule} ({on} {second} {-key(best)[1]:.3f})"
    return best, reason
