"""Stage `evaluate@<run>`: score a trained run on the test songs (per window and per song)."""

import argparse
import logging

from genrepipe.pipeline.evaluate import evaluate_run
from genrepipe.stage import run_stage

log = logging.getLogger("genrepipe.evaluate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("run", help="run name, a key of `runs` in params.yaml")
    parser.add_argument("model_dir", help="input model folder (models/<run>)")
    parser.add_argument("features_dir", help="input folder (data/features/<transform>)")
    parser.add_argument("out_dir", help="output folder for run metrics (metrics/runs)")
    args = parser.parse_args()
    metrics = evaluate_run(args.run, args.model_dir, args.features_dir, args.out_dir)
    log.info("%s: window accuracy %.3f, song accuracy %.3f, song macro-F1 %.3f (%d test songs)",
             args.run, metrics["window_accuracy"], metrics["song_accuracy"],
             metrics["song_macro_f1"], metrics["n_test_songs"])


if __name__ == "__main__":
    run_stage("evaluate", main)
