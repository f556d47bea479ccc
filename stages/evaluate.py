"""Stage `evaluate@<run>`: score a trained run on its valid and test songs (per window and song)."""

import argparse
import logging

from genrepipe.config.params import load_params
from genrepipe.core.stage import run_stage
from genrepipe.evaluation.tag_scoring import auc_interval
from genrepipe.pipeline.evaluate import evaluate_run

log = logging.getLogger("genrepipe.evaluate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("run", help="run name, a key of `runs` in params.yaml")
    parser.add_argument("model_dir", help="input model folder (models/<run>)")
    parser.add_argument("features_dir", help="input folder (data/features/<transform>)")
    parser.add_argument("out_dir", help="output folder for run metrics (metrics/runs)")
    args = parser.parse_args()
    params = load_params()
    metrics = evaluate_run(args.run, args.model_dir, args.features_dir, args.out_dir, seed=params.seed)
    for split, m in metrics.items():
        if "song_accuracy" in m:
            log.info("%s, %s: song accuracy %.3f [%.3f, %.3f], song macro-F1 %.3f (%d songs)",
                     args.run, split, m["song_accuracy"], m["song_accuracy_lo"],
                     m["song_accuracy_hi"], m["song_macro_f1"], m["n_songs"])
        elif isinstance(m, dict) and "macro_roc_auc" in m:
            log.info("%s, %s: macro ROC-AUC %s, macro PR-AUC %s, macro F1 %.3f (%d songs, %d tags)",
                     args.run, split, auc_interval(m), auc_interval(m, "macro_pr_auc"), m["macro_f1"],
                     m["n_songs"], m["n_tags"])


if __name__ == "__main__":
    run_stage("evaluate", main)
