"""Stage `report`: a summary table and figure across the runs of params.yaml."""

import argparse
import logging

from genrepipe.config.params import load_params
from genrepipe.core.stage import run_stage
from genrepipe.pipeline.report import summary_table, write_reliability_plot, write_report
from genrepipe.reporting.curves_plot import write_curves

log = logging.getLogger("genrepipe.report")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("runs_dir", help="input folder of run metrics (metrics/runs)")
    parser.add_argument("fusion_dir", help="input folder of the fusion's metrics (metrics)")
    parser.add_argument("out_md", help="output table (metrics/summary.md)")
    parser.add_argument("out_png", help="output figure (metrics/summary.png)")
    parser.add_argument("headline", help="output headline metrics (metrics/headline.json)")
    parser.add_argument("train_dir", help="input folder of training curves (metrics/train)")
    parser.add_argument("curves", help="output: every network's curves for dvc plots "
                                       "(metrics/plots/curves.json)")
    parser.add_argument("reliability", help="output: the best run's and the fusion's reliability "
                                            "diagrams for dvc plots (metrics/plots/reliability.json)")
    parser.add_argument("--novelty", help="input: the novelty stage's metrics (metrics/novelty.json)")
    args = parser.parse_args()
    params = load_params()
    runs = list(params.runs)
    rows = write_report(args.runs_dir, args.out_md, args.out_png, runs=runs,
                        fusion_dir=args.fusion_dir, headline_path=args.headline,
                        novelty_path=args.novelty)
    write_curves(args.train_dir, runs, args.curves)
    write_reliability_plot(rows, args.runs_dir, args.fusion_dir, args.reliability)
    print(summary_table(rows))
    print(f"Results: {args.out_md}, {args.out_png}, metrics/runs/<run>/songs.csv, confusion.png and reliability.png; "
          "`dvc metrics show`, `dvc plots show`")


if __name__ == "__main__":
    run_stage("report", main)
