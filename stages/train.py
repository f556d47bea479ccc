"""Stage `train@<run>`: fit one run of params.yaml `runs` (a model on one transform's features)."""

import argparse
import logging
import os

from genrepipe.config.params import load_params
from genrepipe.core.errors import parameter_error
from genrepipe.core.stage import run_stage
from genrepipe.core.workspace import default_jobs, model_threads
from genrepipe.models.run import RunSpec, Threads, TrainPaths

log = logging.getLogger("genrepipe.train")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("run", help="run name, a key of `runs` in params.yaml")
    parser.add_argument("features_dir", help="input folder (data/features/<transform>)")
    parser.add_argument("model_dir", help="output model folder (data/trained/<run>)")
    parser.add_argument("curves_dir", help="output training curves folder (metrics/train/<run>)")
    parser.add_argument("timing_dir", help="where the training time goes, outside DVC's outputs "
                        "(metrics/timing)")
    parser.add_argument("manifest", help="the songs' manifest, for meta.json's dataset "
                        "(data/raw/manifest.csv)")
    args = parser.parse_args()
    params = load_params()
    if args.run not in params.runs:
        raise parameter_error("run", args.run, "is not a run of params.yaml",
                              f"one of: {', '.join(params.runs) or '(none)'}", where="command line")
    n_jobs = params.executor.jobs or default_jobs()  # processes and scikit-learn's n_jobs: shared
    threads = model_threads(params.executor.jobs)  # TensorFlow and BLAS: never shared (same bytes)
    # TensorFlow and BLAS take their thread counts when first loaded: set them now
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(threads))
    from threadpoolctl import threadpool_limits

    from genrepipe.pipeline.train import train_run

    with threadpool_limits(threads):
        meta = train_run(RunSpec.from_params(params, args.run),
                         TrainPaths(args.features_dir, args.model_dir, args.curves_dir,
                                    args.timing_dir, args.manifest),
                         Threads(n_jobs, params.executor.workers))
    scope = (f"{len(meta['folds'])} folds" if "folds" in meta
             else f"{meta['n_train_songs']} train songs" if meta.get("level") == "song"
             else f"{meta['n_train_windows']} train windows")
    log.info("%s: %s on %s, %s, %.1f s, %s", args.run, meta["model"], meta["transform"], scope,
             meta["train_seconds"], meta["history"])


if __name__ == "__main__":
    run_stage("train", main)
