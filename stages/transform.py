"""Stage `transform@<name>`: compute one representation (fft, stft, mfcc, mel, ...) for every song."""

import argparse
import logging
import os

from genrepipe.config.params import dask_address, load_params
from genrepipe.core.errors import parameter_error
from genrepipe.core.stage import run_stage
from genrepipe.core.workspace import model_threads
from genrepipe.pipeline.transform import transform_all

log = logging.getLogger("genrepipe.transform")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", help="transform name, a key of `transforms` in params.yaml")
    parser.add_argument("windows_dir", help="input folder (data/windows)")
    parser.add_argument("out_dir", help="output folder (data/features/<name>)")
    args = parser.parse_args()
    params = load_params()
    if args.name not in params.transforms:
        raise parameter_error("transform", args.name, "is not a transform of params.yaml",
                              f"one of: {', '.join(params.transforms) or '(none)'}",
                              where="command line")
    # a network transform (musicnn) takes TensorFlow's thread count when first loaded; never the
    # cores left by other stages, which would change its last digits (`workspace.model_threads`)
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(model_threads(params.executor.jobs)))
    settings = params.transforms[args.name]
    log.info("%s with %s", args.name, settings.to_dict())
    index = transform_all(args.name, settings, args.windows_dir, args.out_dir,
                          jobs=params.executor.jobs, dask=dask_address(params.executor))
    log.info("%d songs -> %s per window, %s; %d skipped", len(index["songs"]), index["shape"],
             index["dtype"], len(index["skipped"]))


if __name__ == "__main__":
    run_stage("transform", main)
