"""Stage `fuse`: the runs of params.yaml combined by averaging song probabilities, chosen on valid."""

import argparse
import logging

from genrepipe.params import load_params
from genrepipe.pipeline.fuse import fuse_runs
from genrepipe.results import chosen_on
from genrepipe.stage import run_stage

log = logging.getLogger("genrepipe.fuse")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("runs_dir", help="input folder of run metrics (metrics/runs)")
    parser.add_argument("out_dir", help="output folder (metrics): fusion.json and fusion/")
    args = parser.parse_args()
    params = load_params()
    metrics = fuse_runs(args.runs_dir, list(params.runs), args.out_dir, seed=params.seed)
    split, chosen = chosen_on(metrics)
    log.info("fusion of %s: song accuracy %.3f [%.3f, %.3f] (%s)", " + ".join(metrics["runs"]),
             chosen["song_accuracy"], chosen["song_accuracy_lo"], chosen["song_accuracy_hi"], split)


if __name__ == "__main__":
    run_stage("fuse", main)
