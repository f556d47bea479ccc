"""The `genrepipe` command: classify songs with a trained run (`genrepipe predict`), list
the transforms and models genrepipe offers (`genrepipe list`), and remove DVC files an
interrupted run left unreadable (`genrepipe repair`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .core.errors import GenrepipeError
from .pretrained.names import MUSICNN_MODELS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genrepipe", description="Music-genre classification "
                                     "with the runs trained by the genrepipe DVC pipeline.")
    commands = parser.add_subparsers(dest="command", required=True)
    predict = commands.add_parser("predict", help="rank the genres of whole songs",
                                  description="Rank the genres of songs of any format and length. "
                                  "A song's score is the mean of its windows' probabilities.")
    predict.add_argument("paths", nargs="+", metavar="PATH", help="audio files")
    predict.add_argument("--run", help="run name (default: the run of params.yaml with the best "
                         "valid song accuracy in metrics/runs)")
    predict.add_argument("--model-dir", type=Path,
                         help="a model folder to use instead of models/<run> (e.g. a saved copy)")
    predict.add_argument("--models", type=Path, default=Path("models"), help="default: models")
    predict.add_argument("--metrics", type=Path, default=Path("metrics/runs"),
                         help="where run scores are, to pick the best run (default: metrics/runs)")
    predict.add_argument("--top", type=int, default=5, metavar="K", help="genres (a tagger: tags, besides those decided) to show (default 5)")
    predict.add_argument("--json", action="store_true", help="print JSON instead of tables")
    predict.add_argument("--plot", type=Path, metavar="FILE.png", help="bar chart of the genres")
    predict.add_argument("--timeline", type=Path, metavar="FILE.png",
                         help="genre (or tag) probabilities along each song (heat map)")
    predict.add_argument("--tags", action="store_true",
                         help="no trained run: the pretrained musicnn tagger's tags for each song")
    predict.add_argument("--tagger", choices=MUSICNN_MODELS, default=MUSICNN_MODELS[0],
                         help="with --tags: Million Song Dataset or MagnaTagATune tags (default MSD)")
    listing = commands.add_parser("list", help="the transforms and models, with their params, and "
                                  "the runs trained here", description="The transforms and models of "
                                  "genrepipe's registries, with their params and defaults, then the "
                                  "runs trained in this project with their scores.")
    listing.add_argument("--markdown", action="store_true", help="as Markdown tables")
    commands.add_parser("repair", help="remove what an interrupted dvc repro left behind",
                        description="Remove dvc.lock or .dvc/tmp/rwlock when DVC cannot read them "
                        "(DVC rewrites them in place: a kill at that moment leaves them half "
                        "written), and killed stages' .partial folders when no stage runs. Run "
                        "in the project, then `dvc repro`.")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; the project's own errors end it with one line and exit status 1
    (argparse's usage errors: 2)."""
    args = build_parser().parse_args(argv)
    command = {"list": _list, "repair": _repair, "predict": _predict}[args.command]
    try:
        return command(args)
    except GenrepipeError as exc:
        print(f"genrepipe: error: {exc}", file=sys.stderr)
        return 1


def _list(args) -> int:
    """`genrepipe list`: the catalog, then the runs trained here."""
    from . import catalog

    if args.markdown:
        print(catalog.markdown(), end="")
        return 0
    try:
        trained = catalog.trained_runs(Path("metrics/runs"), Path("models"))
    except GenrepipeError as exc:  # damaged results: the catalog still prints
        trained = f"Trained runs: cannot be listed ({exc})\n"
    print(catalog.text() + ("\n" + trained if trained else ""), end="")
    return 0


def _repair(args) -> int:
    """`genrepipe repair`, in a DVC project only (elsewhere there is nothing it could repair)."""
    from .core.errors import DataError
    from .core.repair import LOCK, repair

    root = Path.cwd()
    if not any(p.exists() for p in (root / "dvc.yaml", root / LOCK, root / ".dvc")):
        raise DataError(f"{root}: not a genrepipe project (no dvc.yaml, dvc.lock or .dvc/); run "
                        "`genrepipe repair` in the project folder")
    for line in repair(root) or ["nothing to repair: DVC can read dvc.lock and its rwlock, no .partial folder"]:
        print(f"genrepipe repair: {line}")
    return 0


def _configured_runs() -> list[str] | None:
    """The runs of ./params.yaml, if there is one: the default run is one of them."""
    from .config.params import PARAMS_FILE, load_params

    return list(load_params().runs) if Path(PARAMS_FILE).is_file() else None


def _resolve_model_dir(args) -> tuple[Path, str | None]:
    """The model folder to use, and why it was chosen (None: the user named it)."""
    from .core.errors import DataError, parameter_error
    from .config.params import PARAMS_FILE
    from .evaluation.choice import choose_run

    if args.model_dir is not None:
        return args.model_dir, None
    if not Path(PARAMS_FILE).is_file() and not args.models.is_dir():
        raise DataError(f"{Path.cwd()}: not a genrepipe project (no {PARAMS_FILE}, no trained runs "
                        f"in {args.models}/); run this in the project after `make repro`, or give "
                        "--model-dir")
    name, reason = (args.run, None) if args.run else choose_run(args.metrics, _configured_runs())
    folder = args.models / name
    if not folder.is_dir():
        available = sorted(p.name for p in args.models.iterdir() if p.is_dir()) if args.models.is_dir() else []
        if not available:
            raise DataError(f"{folder}: no trained runs in {args.models}; run `make repro` first")
        raise parameter_error("--run", name, f"has no model folder ({folder})",
                              "one of: " + ", ".join(available), where="command line")
    return folder, reason


def _say(message: str) -> None:
    print(f"genrepipe: {message}", file=sys.stderr)


def _predict(args) -> int:
    from .core.errors import parameter_error
    from .reporting import figures
    from .predict import predict_song
    from .zero_shot import tag_song

    if args.top < 1:
        raise parameter_error("--top", args.top, "is out of range", "an integer >= 1",
                              where="command line")
    if args.tags:
        return _tags(args, tag_song, figures.timelines)
    from .evaluation.tasks.lookup import task_of_record
    from .models.trained import TrainedRun

    folder, reason = _resolve_model_dir(args)
    trained = TrainedRun(folder)
    meta = trained.meta
    if reason:
        _say(f"using run {meta['run']}: {reason} (another: --run NAME)")
    dataset = meta.get("dataset", {})
    task = task_of_record(meta)
    what = task.what
    if dataset.get("source") == "demo":
        _say(f"warning: run {meta['run']} was trained on the synthetic demo songs, not on real "
             f"music: its {what} are the demo's {task.demo_what}, so its answer for a real song "
             "means little (train on your music: dvc exp run -S dataset.source=folder -S "
             "dataset.path=...)")
    decider = task.decider(args.metrics, meta)  # a tagger's thresholds: read before any song
    predictions, failed = [], 0
    for path in args.paths:
        try:
            prediction = predict_song(trained, path)
        except GenrepipeError as exc:
            print(f"genrepipe: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        if prediction.padded:
            _say(f"note: {path} ({prediction.duration:.2f} s) is shorter than one "
                 f"{meta['window']:g} s window; padded with silence")
        predictions.append(prediction)
    answer = task.present(predictions, meta, reason, args.top, args.json, decider)
    if answer:
        print(answer)
    title = f"{meta['run']}: {meta['model']} on {meta['transform']}, {meta['window']:g} s windows"
    if predictions and args.plot:
        figures.rankings(predictions, args.plot, title)
        _say(f"wrote {args.plot} (the {what} of each song, ranked)")
    if predictions and args.timeline:
        figures.timelines(predictions, args.timeline, title)
        _say(f"wrote {args.timeline} ({what[:-1]} probabilities along each song)")
    return 1 if failed else 0


def _tags(args, tag_song, plot_timelines) -> int:
    """`genrepipe predict --tags`: the pretrained tagger's tags, whole song and along it."""
    from .reporting.predictions import rankings_text

    predictions, failed = [], 0
    for path in args.paths:
        try:
            predictions.append(tag_song(path, args.tagger))
        except GenrepipeError as exc:
            print(f"genrepipe: error: {exc}", file=sys.stderr)
            failed += 1
    if args.json:
        print(json.dumps({"tagger": args.tagger, "songs": [p.to_dict(args.top) for p in predictions]},
                         indent=2))
    else:
        text = rankings_text(predictions, args.top, 18,
                             lambda p: f"{len(p.window_probs)} patches of 3 s, {args.tagger} tags")
        if text:
            print(text)
    if predictions and args.timeline:  # the song's top tags along it
        top = [p.top_classes(max(args.top, 10)) for p in predictions]
        plot_timelines(top, args.timeline, f"{args.tagger} tags (probability per 3 s patch)")
        _say(f"wrote {args.timeline} (tag probabilities along each song)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
