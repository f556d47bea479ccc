"""`MODEL_CARD.md`: what a model folder holds, said for a person: what it learnt from, how well
it did (with intervals), how sure to take its probabilities, what it is not for. Written by the
stage that has the facts (evaluate for a run's folder, fuse for the fusion's), from files only:
no times, so a forced re-run writes the same bytes."""

from __future__ import annotations

import json

from ..dataset.split import fold_number

CARD = "MODEL_CARD.md"
CALIBRATION = "calibration.json"  # beside the card in a run's folder: the temperature predict uses
# The pretrained networks a transform or model computes with: (wheel distribution, what of it)
PRETRAINED = {"musicnn": ("musicnn", "the musicnn network and its weights"),
              "musicnn_mel": ("musicnn", "musicnn's input spectrogram"),
              "pitch": ("basic-pitch", "basic-pitch's note network (ONNX)"),
              "pitchgram": ("basic-pitch", "basic-pitch's note network (ONNX)")}


def _does(task, classes: list[str]) -> str:
    if task.scores_class_folders:
        return f"Classifies a song into one of: {', '.join(classes)}."
    return f"Tags a song with any of ({task.what}, each decided by its own threshold): {', '.join(classes)}."


def _interval(scores: dict, key: str) -> str:
    if key not in scores or scores[key] is None:
        return "-"
    low, high = scores.get(f"{key}_lo"), scores.get(f"{key}_hi")
    return f"{scores[key]:.3f}" + (f" [{low:.3f}, {high:.3f}]" if low is not None else "")


def _scores_table(scores: dict, task) -> list[str]:
    """A row per split scored: songs, the headline and macro-F1 with their intervals, chance."""
    key, name = task.headline_key, task.headline_name
    f1 = "song_macro_f1" if any("song_macro_f1" in scores.get(s, {}) for s in ("valid", "test")) else None
    lines = [f"| songs | n | {name} [95 % CI] |" + (" macro-F1 [95 % CI] |" if f1 else "")
             + " always the commonest class |",
             "|---|---|---|" + ("---|" if f1 else "") + "---|"]
    for split in ("valid", "test"):
        if split not in scores:
            continue
        s = scores[split]
        what = "every song, each by a fold model that did not train on it" if "folds" in scores else split
        lines.append(f"| {what} | {s.get('n_songs', '-')} | {_interval(s, key)} |"
                     + (f" {_interval(s, f1)} |" if f1 else "")
                     + (f" {s['majority_rate']:.3f} |" if "majority_rate" in s else " - |"))
    return lines


def _calibration(scores: dict) -> list[str]:
    calibration = scores.get("calibration")
    record = scores.get("test", {})
    if not calibration:
        return ["Its probabilities are not temperature-scaled (a tagger's: each tag has its own "
                "threshold, chosen on valid)."]
    line = (f"`genrepipe predict` scales its probabilities by a temperature of "
            f"{calibration['temperature']:.3f}" + (", the bound of its search" if calibration.get("bounded")
                                                   else "") + f"; where it was learnt: {calibration['fit_on']}.")
    if "ece" in record:
        line += (f" Expected calibration error on the {_record_songs(scores)}: {_interval(record, 'ece')} "
                 f"as the model gives them, {_interval(record, 'ece_calibrated')} scaled (0: a 0.9 is "
                 "right nine times in ten).")
    return [line]


def _record_songs(scores: dict) -> str:
    return "songs (each held out)" if "folds" in scores else "test songs"


def _chosen_songs(scores: dict) -> str:
    return "valid songs" if "valid" in scores else _record_songs(scores)


def _intervals(scores: dict, task) -> str:
    how = ("exact for accuracies, bootstrap over songs for macro-F1" if task.scores_class_folders
           else "bootstrap over songs")
    if "folds" in scores:
        return f"Intervals: 95 %, {how}. Every song was tested once, by the fold model that did not train on it."
    if "valid" in scores:
        return f"Intervals: 95 %, {how}. Valid chose between runs; test is the record, never tuned on."
    return f"Intervals: 95 %, {how}. Test is the record."


def _unknown(novelty: dict | None, scores: dict) -> list[str]:
    if novelty is None:
        return ["No detector of songs unlike the training songs was trained with it (models/novelty)."]
    rates = novelty.get("rates", {})
    test = rates.get("test") or rates.get("all")
    line = (f"A song whose sound lies beyond the training songs' range by more than "
            f"{novelty['threshold']:.3f} (set on {novelty['set_on']}; `novelty.json`) is marked "
            "`unknown (unlike the training songs)` by `genrepipe predict`")
    if test:
        line += f"; {test['unknown']} of the {test['songs']} {_record_songs(scores)} came out so"
    return [line + "."]


def _limits(dataset: dict | None, classes: list[str], above_chance: bool, task, scores: dict) -> list[str]:
    lines, what = [], task.what
    if dataset and dataset.get("source") == "demo":
        lines.append("- **Trained on the synthetic demo songs, not on real music**: its "
                     f"{what} are the demo's recipes, and its answer for a real song means little.")
    if not above_chance:
        lines.append(f"- **No better than chance on the {_chosen_songs(scores)}**: their interval "
                     "reaches the rate of always answering the commonest class. Do not use it.")
    given = "given one of them" if task.scores_class_folders else "given only these"
    lines += [f"- It knows {len(classes)} {what} only: a song of any other is {given}. "
              "The unknown mark tells sound unlike the training songs, not an unfamiliar genre.",
              "- Its scores are on songs of the collection it learnt from; on another collection a "
              "genre model usually does worse (`genrepipe evaluate FOLDER` measures yours).",
              "- Not for judging people, artists' worth, or anything beyond sorting songs by "
              f"these {what}."]
    return lines


def _dataset_lines(dataset: dict | None, per_class: dict | None) -> list[str]:
    if not dataset:
        return ["- Dataset: not recorded (trained before genrepipe recorded it)."]
    splits = ", ".join(f"{k} {v}" for k, v in dataset.get("songs_per_split", {}).items())
    lines = [f"- Dataset: {dataset['location']} ({dataset['source']}), {dataset['songs']} songs, "
             f"split {dataset['split']}" + (f": {splits}" if splits else "")]
    if per_class:
        order = {"train": 0, "valid": 1, "test": 2}
        splits = sorted({s for by_split in per_class.values() for s in by_split},
                        key=lambda s: (order.get(s, 3), fold_number(s) or 0, s))
        lines += ["", "| class | " + " | ".join(splits) + " |", "|---|" + "---|" * len(splits)]
        lines += [f"| {c} | " + " | ".join(str(by_split.get(s, 0)) for s in splits) + " |"
                  for c, by_split in sorted(per_class.items())] + [""]
    return lines


def run_card(meta: dict, scores: dict, task, per_class: dict | None, novelty: dict | None) -> str:
    """A run's card: `meta` (its meta.json), `scores` (the evaluate stage's), the songs per class
    and split it was evaluated with, the project's novelty record (or None)."""
    from ..pretrained.wheels import WHEELS

    chosen = scores.get("valid", scores.get("test", {}))
    pretrained = {PRETRAINED[n] for n in (meta["transform"], meta["model"]) if n in PRETRAINED}
    wheels = {w.distribution: w for w in WHEELS}
    hop = meta.get("hop") or meta["window"]
    lines = [f"# Model card: {meta['run']}", "",
             f"`{meta['model']}` on `{meta['transform']}` features of {meta['window']:g} s windows every "
             f"{hop:g} s at {meta['sample_rate']} Hz; a song's answer is the mean of its windows' "
             f"probabilities. {_does(task, meta['classes'])}",
             "", "## What it learnt from", "",
             *_dataset_lines(meta.get("dataset"), per_class),
             (f"- Trained in {len(meta['folds'])} folds, each model on the songs of the other folds; it "
              "predicts with the mean of its fold models" if meta.get("folds") else
              f"- Trained on {meta['n_train_songs']} songs") + f"; seed {meta['seed']}.",
             f"- Model parameters: `{json.dumps(meta['model_params'], sort_keys=True)}`; transform "
             f"parameters: `{json.dumps(meta['transform_params'], sort_keys=True)}`.",
             "- Libraries: " + ", ".join(f"{k} {v}" for k, v in sorted(meta.get("versions", {}).items())) + ".",
             *[f"- Pretrained: {what}, from the {w} {wheels[w].version} wheel ({wheels[w].licence} "
               "licence; the weights are read from the wheel, not copied here)." for w, what in sorted(pretrained)],
             "", "## How well it did", "", *_scores_table(scores, task), "", _intervals(scores, task),
             "", "## How sure it is", "", *_calibration(scores), "", *_unknown(novelty, scores),
             "", "## Limits", "", *_limits(meta.get("dataset"), meta["classes"],
                                            chosen.get("above_chance", True), task, scores),
             "", "## Files", "",
             "`meta.json` (everything prediction needs), the model (`model.skops` or `model.keras`; "
             "k-fold: a folder per fold), `calibration.json` (the temperature), `novelty.json` (the "
             "project's detector of songs unlike the training songs), this card. Every "
             "score: `metrics/runs/" + meta["run"] + "/scores.json` of the project.", ""]
    return "\n".join(lines)


def fusion_card(record: dict, scores: dict, task, dataset: dict | None, novelty: dict | None) -> str:
    """The fusion's card: its record (`models/fusion/fusion.json`), its scores (the fuse stage's),
    the dataset its members learnt from, the project's novelty record (or None)."""
    members = record["combination"]["members"]
    chosen = scores.get("valid", scores.get("test", {}))
    lines = [f"# Model card: {record['run']}", "",
             f"The fusion ({record['method']}) of {len(members)} runs: their song probabilities "
             f"combined as learnt on {record['learnt_on']} (predicting, it runs "
             f"{record['members_predict_with']}). " + _does(task, record["classes"]),
             "", "## What it learnt from", "", *_dataset_lines(dataset, None),
             "- Members (each one's card: `models/<run>/MODEL_CARD.md`): " + ", ".join(members) + ".",
             f"- Chosen by `genrepipe predict` on {record['choice']['on']}: {task.headline_name} "
             f"{record['choice']['score']:.3f}.",
             "", "## How well it did", "", *_scores_table(scores, task), "", _intervals(scores, task)
             + (" Its valid score is optimistic (it learnt on valid)." if "valid" in scores else ""),
             "", "## How sure it is", "", *_calibration(scores), "", *_unknown(novelty, scores),
             "", "## Limits", "", *_limits(dataset, record["classes"], chosen.get("above_chance", True),
                                            task, scores),
             "", "## Files", "", "`fusion.json` (members, the learnt combination, classes, the temperature), "
             "`novelty.json` (the detector of songs unlike the training songs), this card; the "
             "members' model folders beside it.", ""]
    return "\n".join(lines)
