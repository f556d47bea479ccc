"""Every fusion method, nested, on the k-fold results of a `make kfold` workdir: the figures of
docs/realmusic.md ("Fusion without selection bias").

    python bench/fusion_methods.py /tmp/gk-default-s42/metrics/runs --reference logreg-musicnn \
        --runs svc-fft svc-mfcc ... [--seed 42]

Prints each run's cross-validated song accuracy (exact interval, exact McNemar test against the
reference run), then `select`, `mean` and `stack` over the runs, each fold's combination learnt on
the other folds only (`genrepipe.evaluation.fusion.nested`, as the fuse stage does).
"""

from __future__ import annotations

import argparse

import numpy as np

from genrepipe.evaluation.results import probabilities, read_results
from genrepipe.evaluation.fusion import METHODS, nested
from genrepipe.stats.single_label import exact_interval, mcnemar


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs_dir", help="a k-fold workdir's metrics/runs")
    parser.add_argument("--reference", required=True, help="the run each row is tested against")
    parser.add_argument("--runs", nargs="+", required=True, help="the runs to fuse")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    names = list(dict.fromkeys([args.reference, *args.runs]))
    results = {name: read_results(args.runs_dir, name) for name in names}
    first = results[args.reference]
    index = {c: i for i, c in enumerate(first.classes)}
    truth = np.array([index[r["label"]] for r in first.songs])
    folds = [r["split"] for r in first.songs]
    probs = {n: probabilities(results[n].songs, first.classes) for n in names}
    reference = probs[args.reference].argmax(axis=1) == truth

    def row(name: str, p: np.ndarray) -> str:
        right = p.argmax(axis=1) == truth
        lo, hi = exact_interval(int(right.sum()), len(right))
        test = mcnemar(right, reference)
        return (f"| {name} | {right.mean():.3f} [{lo:.3f}, {hi:.3f}] | p = {test['p_value']:.3f}; "
                f"{test['only_a']} vs {test['only_b']} |")

    print(f"| run | cross-validated song acc. | vs {args.reference} (exact McNemar) |\n|---|---|---|")
    for name in sorted(names, key=lambda n: -np.mean(probs[n].argmax(axis=1) == truth)):
        print(row(name, probs[name]))
    stack = np.stack([probs[n] for n in args.runs])
    for method, fit in METHODS.items():
        fused, _ = nested(fit, stack, truth, folds, list(args.runs), args.seed)
        print(row(f"fusion {method} (nested)", fused))


if __name__ == "__main__":
    main()
