"""Stage `embed@<name>`: a trained network's activations for every song (`embeddings.<name>`)."""

import argparse
import logging

from genrepipe.config.params import load_params
from genrepipe.core.errors import parameter_error
from genrepipe.core.stage import run_stage

log = logging.getLogger("genrepipe.embed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", help="embedding name, a key of `embeddings` in params.yaml")
    parser.add_argument("windows_dir", help="input folder (data/windows)")
    parser.add_argument("out_dir", help="output folder (data/features/<name>)")
    args = parser.parse_args()
    params = load_params()
    if args.name not in params.embeddings:
        raise parameter_error("embedding", args.name, "is not an embedding of params.yaml",
                              f"one of: {', '.join(params.embeddings) or '(none)'}",
                              where="command line")
    from genrepipe.pipeline.embed import embed_all  # TensorFlow: after the checks, which are quick

    index = embed_all(args.name, params.embeddings[args.name], args.windows_dir, args.out_dir)
    log.info("%d songs -> %s per window; %d skipped", len(index["songs"]), index["shape"],
             len(index["skipped"]))


if __name__ == "__main__":
    run_stage("embed", main)
