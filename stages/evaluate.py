"""Stage `evaluate@<run>`: score a trained run on its valid and test songs (per window and song)."""

import argparse

from genrepipe.config.params import load_params
from genrepipe.core.stage import run_stage
from genrepipe.pipeline.evaluate import evaluate_run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("run", help="run name, a key of `runs` in params.yaml")
    parser.add_argument("model_dir", help="input: the train stage's model folder (data/trained/<run>)")
    parser.add_argument("features_dir", help="input folder (data/features/<transform>)")
    parser.add_argument("out_dir", help="output folder for run metrics (metrics/runs)")
    parser.add_argument("--model-out", help="output: the model folder with its temperature and "
                        "card (models/<run>)")
    parser.add_argument("--novelty", help="input: the novelty stage's record, for the card "
                        "(models/novelty/novelty.json)")
    args = parser.parse_args()
    params = load_params()
    evaluate_run(args.run, args.model_dir, args.features_dir, args.out_dir, seed=params.seed,
                 model_out=args.model_out, novelty=args.novelty)


if __name__ == "__main__":
    run_stage("evaluate", main)
