"""Stage `fuse`: the runs of params.yaml combined on their song probabilities (`fuse.method`),
learnt on valid (k-fold: nested, on the other folds); the fusion as a model in models/fusion."""

import argparse

from genrepipe.config.params import load_params
from genrepipe.core.stage import run_stage
from genrepipe.pipeline.fuse import fuse_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("runs_dir", help="input folder of run metrics (metrics/runs)")
    parser.add_argument("out_dir", help="output folder (metrics): fusion.json and fusion/")
    parser.add_argument("model_dir", help="output folder (models/fusion): the fusion as a model")
    parser.add_argument("--novelty", help="input: the novelty stage's record, for the fusion's card "
                        "(models/novelty/novelty.json)")
    args = parser.parse_args()
    params = load_params()
    fuse_runs(args.runs_dir, list(params.fuse.runs or params.runs), args.out_dir, seed=params.seed,
              method=params.fuse.method, model_dir=args.model_dir, novelty=args.novelty)


if __name__ == "__main__":
    run_stage("fuse", main)
