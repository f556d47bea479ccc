"""The `genrepipe` command: classify songs with a trained run (`genrepipe predict`), list
the transforms and models genrepipe offers (`genrepipe list`), and remove DVC files an
interrupted run left unreadable (`genrepipe repair`)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from . import __version__
from .core.errors import GenrepipeError
from .pretrained.names import MUSICNN_MODELS


PREDICT_EXAMPLES = """examples:
  genrepipe predict ~/Music/reels --csv reels.csv   every song below the folder, a row each
  genrepipe predict song.mp3 --run svc-mfcc         one song, with a run you name
  genrepipe predict songs/ --json | jq .top          one JSON object per song

a song unlike every training song (noise, a pure tone, speech; silence) is marked "unknown (unlike
the training songs)" beside its ranking: CSV column unknown, JSON key unknown (models/novelty).

exit status: 0 every file classified (unknown included); 1 some files skipped (each listed on stderr and in the
CSV, with the reason); 2 the command could not run (a bad option, no trained model)."""

EVALUATE_EXAMPLES = """examples:
  genrepipe evaluate ~/Music/labelled --out eval-mine      the best model on your labelled songs
  genrepipe evaluate other/ --run svc-mfcc --map hip-hop=hiphop"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genrepipe", description="Music-genre classification "
                                     "with the runs trained by the genrepipe DVC pipeline.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    predict = commands.add_parser(
        "predict", help="rank the genres of songs: files and folders of any size",
        description="Rank the genres of songs of any format and length, with a run trained by the "
        "pipeline. A song's score is the mean of its windows' probabilities, calibrated by the "
        "temperature learnt on the valid songs (k-fold: on the cross-validated predictions; "
        "--uncalibrated: the model's own); a song beyond the training songs' range of sound "
        "(the model folder's novelty.json) is marked unknown. Folders are walked "
        "recursively (hidden and non-audio files left out); a file that cannot be decoded is "
        "skipped and listed, and the others are still classified.",
        epilog=PREDICT_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    predict.add_argument("paths", nargs="+", metavar="PATH", help="audio files and folders")
    predict.add_argument("--run", help="a run of params.yaml, or fusion (default: the best on valid, "
                         "k-fold: cross-validated, of the runs in metrics/runs and the fusion)")
    predict.add_argument("--model-dir", type=Path,
                         help="a model folder to use instead of models/<run> (e.g. a saved copy)")
    predict.add_argument("--models", type=Path, default=Path("models"), help="default: models")
    predict.add_argument("--metrics", type=Path, default=Path("metrics/runs"),
                         help="where run scores are, to pick the best run (default: metrics/runs)")
    predict.add_argument("--uncalibrated", action="store_true",
                         help="the model's own probabilities, not scaled by the temperature learnt "
                         "on valid (k-fold: on every song's cross-validated predictions)")
    predict.add_argument("--top", type=int, default=5, metavar="K", help="genres (a tagger: tags, besides those decided) to show (default 5)")
    predict.add_argument("--json", action="store_true",
                         help="print one JSON object per file (JSON lines) instead of tables")
    predict.add_argument("--csv", type=Path, metavar="FILE.csv",
                         help="also write one row per file: path, status (ok or skipped), reason, "
                         "unknown (yes/no), novelty (distance over the threshold), "
                         "the top class and its probability, every class's probability, the model, "
                         "windows, seconds")
    predict.add_argument("--jobs", type=int, metavar="N", help="worker processes that decode and "
                         "featurise songs (default: executor.jobs of params.yaml, else the cores)")
    predict.add_argument("--plot", type=Path, metavar="FILE.png", help="bar chart of the genres")
    predict.add_argument("--timeline", type=Path, metavar="FILE.png",
                         help="genre (or tag) probabilities along each song (heat map)")
    predict.add_argument("--tags", action="store_true",
                         help="no trained run: the pretrained musicnn tagger's tags for each song")
    predict.add_argument("--tagger", choices=MUSICNN_MODELS, default=MUSICNN_MODELS[0],
                         help="with --tags: Million Song Dataset or MagnaTagATune tags (default MSD)")
    evaluate = commands.add_parser(
        "evaluate", help="score a trained model on a labelled folder, without retraining",
        description="Score a trained run (or the fusion) on a folder with one sub-folder per class, "
        "as the evaluate stage scores its test songs: song accuracy with its exact 95 %% interval, "
        "macro-F1 with its bootstrap interval, recall per class, a confusion matrix. Classes are "
        "matched by name, case-insensitively (--map for others); songs of a class the model does "
        "not know are counted apart.", epilog=EVALUATE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    evaluate.add_argument("folder", type=Path, metavar="FOLDER", help="one sub-folder per class")
    evaluate.add_argument("--run", help="a run of params.yaml, or fusion (default: as predict chooses)")
    evaluate.add_argument("--model-dir", type=Path, help="a model folder instead of models/<run>")
    evaluate.add_argument("--models", type=Path, default=Path("models"), help="default: models")
    evaluate.add_argument("--metrics", type=Path, default=Path("metrics/runs"),
                          help="where run scores are, to choose the model (default: metrics/runs)")
    evaluate.add_argument("--map", action="append", default=[], metavar="OLD=NEW",
                          help="a folder class that is a model class by another name (repeatable)")
    evaluate.add_argument("--out", type=Path, default=Path("evaluation"),
                          help="where evaluation.json and confusion.png go (default: evaluation)")
    evaluate.add_argument("--jobs", type=int, metavar="N", help="worker processes (as predict)")
    evaluate.add_argument("--seed", type=int, help="the bootstrap's seed (default: the model's)")
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
    (predict: 2, its 1 meaning some files were skipped; argparse's usage errors: 2)."""
    args = build_parser().parse_args(argv)
    _progress_to_stderr()
    command = {"list": _list, "repair": _repair, "predict": _predict, "evaluate": _evaluate}[args.command]
    try:
        return command(args)
    except GenrepipeError as exc:
        print(f"genrepipe: error: {exc}", file=sys.stderr)
        return 2 if args.command in ("predict", "evaluate") else 1


def _progress_to_stderr() -> None:
    """Progress lines of long work (`core.parallel`: every few seconds when stderr is not a
    terminal; a bar when it is) reach stderr as `genrepipe: ...` lines, unless the program
    that called us set up logging itself."""
    import logging

    if not logging.getLogger().handlers:
        logging.basicConfig(format="genrepipe: %(message)s", level=logging.WARNING)
        logging.getLogger("genrepipe.core.parallel").setLevel(logging.INFO)


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
    name, reason = ((args.run, None) if args.run else
                    choose_run(args.metrics, _configured_runs(), fusion_dir=args.models / "fusion"))
    folder = args.models / name
    if not folder.is_dir():
        available = sorted(p.name for p in args.models.iterdir() if _is_model(p)) if args.models.is_dir() else []
        if not available:
            raise DataError(f"{folder}: no trained runs in {args.models}; run `make repro` first")
        raise parameter_error("--run", name, f"has no model folder ({folder})",
                              "one of: " + ", ".join(available), where="command line")
    return folder, reason


def _is_model(folder: Path) -> bool:
    """A folder of models/ but models/novelty (the detector of songs unlike the training songs,
    which model folders hold a copy of)."""
    from .evaluation.fusion_model import is_fusion_model
    from .models.registry import META
    from .novelty.record import has_record

    return folder.is_dir() and (not has_record(folder) or (folder / META).is_file()
                                or is_fusion_model(folder))


def _say(message: str) -> None:
    print(f"genrepipe: {message}", file=sys.stderr)


def _predict(args) -> int:
    """`genrepipe predict`: every song of the paths, streamed to stdout (and the CSV)."""
    from .core.errors import parameter_error
    from .sources.files import library_files

    for option, value in (("--top", args.top), ("--jobs", args.jobs)):
        if value is not None and value < 1:
            raise parameter_error(option, value, "is out of range", "an integer >= 1",
                                  where="command line")
    files = library_files(args.paths)
    if not files:
        from .core.errors import DataError

        raise DataError(f"{', '.join(map(str, args.paths))}: no audio files (folders are searched "
                        "recursively for files with an audio extension)")
    if args.tags:
        return _tags(args, files)
    from .evaluation.tasks.lookup import task_of_record
    from .predict import load_model, watch_novelty

    folder, reason = _resolve_model_dir(args)
    model = load_model(folder)
    meta = model.meta
    if args.timeline and not model.has_windows:
        raise parameter_error("--timeline", str(args.timeline), "is not drawn for the fusion, which "
                              "combines whole songs", "--timeline with a run (--run NAME)",
                              where="command line")
    who = f"run {model.name}" if model.has_windows else "the fusion"
    if reason:
        _say(f"using {who}: {reason} (another: --run NAME)")
    if meta.get("members_predict_with", "").startswith("the mean"):  # after k folds
        _say(f"{model.name}: {meta['members_predict_with']}; the combination learnt on "
             f"{meta['learnt_on']}")
    elif meta.get("folds"):
        _say(f"run {model.name} was trained in {len(meta['folds'])} folds: it predicts with the "
             "mean of its fold models' probabilities")
    task = task_of_record(meta)
    if meta.get("dataset", {}).get("source") == "demo":
        _say(f"warning: {who} was trained on the synthetic demo songs, not on real "
             f"music: its {task.what} are the demo's {task.demo_what}, so its answer for a real song "
             "means little (train on your music: dvc exp run -S dataset.source=folder -S "
             "dataset.path=...)")
    decider = task.decider(args.metrics, meta)  # a tagger's thresholds: read before any song
    note = None if args.uncalibrated or not task.calibrates else model.calibrate(args.metrics)
    if note:
        _say(f"note: {note}")
    note = watch_novelty(model, folder)
    if note:
        _say(f"note: {note}")
    from .predict import classify

    title = f"{model.name}: {meta['model']} on {meta['transform']}, {meta['window']:g} s windows"
    return _answer(args, classify(model, files, _jobs(args)), len(files), model, task, decider,
                   title, meta["window"])


def _answer(args, results, n_files: int, model, task, decider, title: str, window: float,
            plotted=lambda prediction: prediction) -> int:
    """Write each of `results` (predictions and skipped files) as it comes; 1 when any file was
    skipped. `plotted`: what of a prediction the plots show."""
    from .core.store import atomic_open
    from .predict import Silent, Skipped
    from .reporting.predictions import Answers

    keep = [] if args.plot or args.timeline else None  # plots need every song; nothing else does
    counts = {"ok": 0, "skipped": 0, "unknown": 0}
    with contextlib.ExitStack() as stack:
        csv = stack.enter_context(atomic_open(args.csv, "w")) if args.csv else None
        answers = Answers(task, decider, model.name, model.classes, args.top, args.json,
                          model.describe, csv)
        for result in results:
            if isinstance(result, Skipped):
                counts["skipped"] += 1
                _say(f"skipped {result.path}: {result.reason}")
                answers.skipped(result.path, result.reason)
                continue
            counts["ok"] += 1
            if result.verdict is not None and result.verdict.unknown:
                counts["unknown"] += 1
            if isinstance(result, Silent):
                answers.silent(result.path, result.verdict)
                continue
            if result.padded:
                _say(f"note: {result.path} ({result.duration:.2f} s) is shorter than one "
                     f"{window:g} s window; padded with silence")
            answers.song(result)
            if keep is not None:
                keep.append(plotted(result))
    if n_files > 1 or args.csv:
        unknown = f" ({counts['unknown']} unknown: unlike the training songs)" if counts["unknown"] else ""
        _say(f"{counts['ok']} of {n_files} files classified{unknown}, {counts['skipped']} skipped"
             + (f"; wrote {args.csv}" if args.csv else ""))
    _plots(args, keep, title, task.what)
    return 1 if counts["skipped"] else 0


def _plots(args, predictions, title: str, what: str) -> None:
    from .reporting import figures

    if predictions and args.plot:
        figures.rankings(predictions, args.plot, title)
        _say(f"wrote {args.plot} (the {what} of each song, ranked)")
    if predictions and args.timeline:
        figures.timelines(predictions, args.timeline, title)
        _say(f"wrote {args.timeline} ({what[:-1]} probabilities along each song)")


def _jobs(args) -> int:
    """--jobs, else executor.jobs of ./params.yaml, else the cores this project's stages share."""
    from .core.workspace import default_jobs

    if args.jobs is not None:
        return args.jobs
    from .config.params import PARAMS_FILE, load_params

    try:
        jobs = load_params().executor.jobs if Path(PARAMS_FILE).is_file() else None
    except GenrepipeError:  # params the pipeline would refuse: predict does not need them
        jobs = None
    return jobs or default_jobs()


def _evaluate(args) -> int:
    """`genrepipe evaluate`: a labelled folder classified by a trained model and scored."""
    import numpy as np

    from .core.errors import DataError
    from .core.store import display_path, write_json
    from .evaluation.labelled import match_classes, parse_mapping, score_labelled, unknown_classes
    from .novelty.detector import unknown_rate
    from .evaluation.tasks.lookup import task_of_record
    from .predict import Silent, Skipped, classify, load_model, watch_novelty
    from .reporting import figures
    from .reporting.predictions import labelled_text
    from .sources.files import labelled_files

    if not args.folder.is_dir():
        raise DataError(f"{args.folder}: not a folder; expected a folder with one sub-folder per class")
    mapping = parse_mapping(args.map)
    found = labelled_files(args.folder)
    if not found:
        raise DataError(f"{args.folder}: no audio files in class sub-folders")
    folder, reason = _resolve_model_dir(args)
    model = load_model(folder)
    task = task_of_record(model.meta)
    if not task.scores_class_folders:
        raise DataError(f"{folder}: {model.name} is a tagger; a labelled folder names one class a song")
    if reason:
        _say(f"using {f'run {model.name}' if model.has_windows else 'the fusion'}: {reason}")
    for note in (model.calibrate(args.metrics), watch_novelty(model, folder)):
        if note:
            _say(f"note: {note}")
    matched = match_classes(sorted({label for _, label in found}), model.classes, mapping)
    known = [(item, matched[label]) for item, label in found if matched[label] is not None]
    apart = [item.shown for item, label in found if matched[label] is None]
    labels, probs, own, paths, skipped, flags = [], [], [], [], [], []
    for (item, label), result in zip(known, classify(model, [i for i, _ in known], _jobs(args)), strict=True):
        if isinstance(result, (Skipped, Silent)):
            skipped.append({"path": result.path, "reason": result.reason})
            _say(f"skipped {result.path}: {result.reason}")
            continue
        flags.append(result.verdict is not None and result.verdict.unknown)
        labels.append(label)
        probs.append(result.probs)
        own.append(result.probs if result.own_probs is None else result.own_probs)
        paths.append(result.path)
    if not labels:
        raise DataError(f"{args.folder}: no song of a class the model knows could be classified "
                        f"(model classes: {', '.join(model.classes)}; --map old=new for others)")
    seed = args.seed if args.seed is not None else model.meta.get("seed", 0)
    scores, predicted = score_labelled(task, model.classes, labels, np.array(probs), np.array(own), seed,
                                       model.temperature)
    record = {"model": model.name, "model_folder": display_path(folder), "folder": display_path(args.folder),
              "classes": {c: m for c, m in matched.items()}, **scores,
              "unknown_classes": unknown_classes(matched, [label for _, label in found]),
              "unknown_class_songs": apart, "skipped": skipped,
              **({} if model.novelty is None else
                 {"unknown": {**unknown_rate(flags), "paths": [p for p, f in zip(paths, flags) if f]}}),
              "songs": [{"path": p, "label": t, "predicted": d} for p, t, d in zip(paths, labels, predicted)]}
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(args.out / "evaluation.json", record)
    figures.confusion(labels, predicted, model.classes, f"{model.name} on {args.folder.name} "
                      f"({len(labels)} songs)", args.out / "confusion.png")
    print(labelled_text(record))
    _say(f"wrote {args.out / 'evaluation.json'} and {args.out / 'confusion.png'}")
    return 1 if skipped else 0


def _tags(args, files) -> int:
    """`genrepipe predict --tags`: the pretrained tagger's tags, whole song and along it (the
    timeline: each song's `--top` tags, at least 10)."""
    from .zero_shot import ZeroShotTagger

    tagger = ZeroShotTagger(args.tagger)
    return _answer(args, tagger.classify(files), len(files), tagger, tagger, None,
                   f"{args.tagger} tags (probability per 3 s patch)", 3.0,
                   plotted=lambda p: p.top_classes(max(args.top, 10)))


if __name__ == "__main__":
    sys.exit(main())
