"""Whole-song prediction with a trained run: decode, window, transform, classify, average; a
music library in batches, its songs prepared in worker processes and classified as they come.

Everything comes from the run's model folder (sample rate, window, hop, transform and its
params, normalisation, classes), never from the current params.yaml.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from .audio.decode import BadAudio, canonical, load_audio
from .audio.windows import frame_signal
from .core.errors import DataError, GenrepipeError
from .core.store import read_json
from .core.parallel import imap_songs
from .evaluation.calibration import run_temperature, temperature_of
from .evaluation.fusion_model import is_fusion_model, read_fusion_model
from .models.trained import TrainedRun, read_meta
from .novelty.record import Detector, Geometry, Verdict, has_record, silent_verdict
from .reporting.model_card import CALIBRATION
from .sources.files import LibraryFile, library_files
from .stats.calibration import apply_temperature
from .stats.groups import group_means
from .transforms.registry import featurize


@dataclass
class SongPrediction:
    """One song's probabilities (a run's: the mean of its windows'), its windows' probabilities
    where there are any (a fusion combines songs, not windows: None), where each window starts
    (seconds)."""

    path: str
    classes: list[str]
    window_probs: np.ndarray | None
    starts: np.ndarray
    hop: float
    duration: float
    padded: bool
    song_probs: np.ndarray | None = None
    own_probs: np.ndarray | None = None  # before calibration, when `song_probs` are calibrated
    verdict: Verdict | None = None  # unlike the training songs? (None: no detector)

    @property
    def probs(self) -> np.ndarray:
        """The song's score: given, or the mean of its windows' probabilities (`stats.groups`)."""
        if self.song_probs is not None:
            return self.song_probs
        return group_means(self.window_probs, [self.path] * len(self.window_probs))[1][0]

    @property
    def n_windows(self) -> int:
        return len(self.starts)

    def ranking(self, top: int | None = None) -> list[tuple[str, float]]:
        """(class, probability) pairs, most likely first."""
        order = np.argsort(-self.probs, kind="stable")[:top]
        return [(self.classes[i], float(self.probs[i])) for i in order]

    def top_classes(self, k: int) -> SongPrediction:
        """The same prediction restricted to its `k` most likely classes (tags), best first."""
        keep = np.argsort(-self.probs, kind="stable")[:k]
        return SongPrediction(self.path, [self.classes[i] for i in keep], self.window_probs[:, keep],
                              self.starts, self.hop, self.duration, self.padded)


@dataclass(frozen=True)
class Skipped:
    """A file that could not be classified, and why (one line)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Silent:
    """A file with no sound at all: unknown, with no ranking (`reason` says how quiet it is)."""

    path: str
    reason: str

    @property
    def verdict(self) -> Verdict:
        return silent_verdict(self.reason)


@dataclass(frozen=True)
class Featurisation:
    """How a model's input is made from a song: its sample rate, windows, transform and params
    (`params_json`: the params as sorted JSON, so that two runs of one transform share it)."""

    transform: str
    params_json: str
    sample_rate: int
    window_samples: int
    hop_samples: int

    @classmethod
    def of(cls, meta: dict) -> Featurisation:
        return cls(meta["transform"], json.dumps(meta["transform_params"], sort_keys=True),
                   meta["sample_rate"], meta["window_samples"], meta["hop_samples"])


@dataclass
class Prepared:
    """A song decoded and featurised for each of a model's featurisations."""

    path: str
    features: dict[Featurisation, np.ndarray]
    duration: float
    padded: bool
    starts: np.ndarray
    hop: float
    descriptor: np.ndarray | None = None  # how it sounds (`novelty.descriptor`), when asked for


class RunModel:
    """A trained run as `classify` uses it: one featurisation, songs' probabilities in batches.
    Its meta data is read at once, the model itself when first needed (`load`), so that songs
    can be prepared while it loads."""

    has_windows = True
    novelty: Detector | None = None  # set by `watch_novelty`

    def __init__(self, folder: str | Path | None = None, trained: TrainedRun | None = None):
        self.folder = Path(folder) if folder is not None else trained.folder
        self._trained = trained
        self.temperature = 1.0  # the model's own probabilities until `calibrate` reads its own
        self.meta = trained.meta if trained is not None else read_meta(self.folder)
        self.name: str = self.meta["run"]
        self.classes: list[str] = self.meta["classes"]
        self.featurisations = (Featurisation.of(self.meta),)

    def load(self) -> None:
        if self._trained is None:
            self._trained = TrainedRun(self.folder)

    def describe(self, prediction: SongPrediction) -> str:
        return f"{prediction.n_windows} windows of {self.meta['window']:g} s, run {self.name}"

    def window_probs(self, songs: Sequence[Prepared]) -> list[np.ndarray]:
        """Each song's window probabilities, the windows of the batch classified together."""
        self.load()
        return self._trained.predict_songs([s.features[self.featurisations[0]] for s in songs])

    def calibrate(self, metrics_dir: str | Path) -> str | None:
        """Scale song probabilities by the temperature the run's evaluate stage learnt: the one
        in its model folder (`calibration.json`), else in its scores in `metrics_dir` (a folder
        written before the folder held it; checked to be this model's); a note when there is none."""
        own = self.folder / CALIBRATION
        if own.is_file():
            self.temperature = temperature_of(read_json(own, what="a run's temperature"))
            return None
        self.temperature, note = run_temperature(metrics_dir, self.meta)
        return note

    def predict(self, songs: Sequence[Prepared]) -> list[SongPrediction]:
        out = [SongPrediction(s.path, self.classes, probs, s.starts, s.hop, s.duration, s.padded)
               for s, probs in zip(songs, self.window_probs(songs), strict=True)]
        if self.temperature != 1.0:
            for prediction in out:
                prediction.own_probs = prediction.probs
                prediction.song_probs = apply_temperature(prediction.own_probs, self.temperature)
        return out


class FusionModel:
    """The fusion as `classify` uses it (`models/fusion`, written by the fuse stage): each song
    classified by every member run (their model folders beside it), their song probabilities
    combined as the fuse stage learnt. A member that is a k-fold run predicts with the mean of
    its fold models; the combination was then learnt on every song's cross-validated
    predictions (the model folder says so)."""

    has_windows = False  # it combines whole songs
    novelty: Detector | None = None  # set by `watch_novelty`

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        record = read_fusion_model(self.folder)
        self.record, self.combination = record, record["combination"]
        self.members = [RunModel(self.folder.parent / name) for name in self.combination.members]
        self.name, self.classes = record["run"], record["classes"]
        for member in self.members:
            if member.classes != self.classes:
                raise DataError(f"{member.folder}: classes {member.classes}, but the fusion in "
                                f"{self.folder} combines {self.classes}; re-run `dvc repro`")
        first = self.members[0].meta
        self.meta = {**{k: first[k] for k in ("dataset", "window", "hop") if k in first},
                     **{k: v for k, v in record.items() if k not in ("combination", "choice", "scores")},
                     "model": f"fusion ({record['method']})",
                     "transform": " + ".join(self.combination.members)}
        self.featurisations = tuple(dict.fromkeys(f for m in self.members for f in m.featurisations))
        self.temperature = 1.0  # its members' probabilities stay their own: it learnt on those

    def load(self) -> None:
        for member in self.members:
            member.load()

    def calibrate(self, metrics_dir: str | Path) -> str | None:
        """Scale the fused probabilities by the temperature in the fusion's model folder."""
        self.temperature = temperature_of(self.record)
        return None if "calibration" in self.record else (
            f"{self.folder / 'fusion.json'} holds no calibration (written before it existed): "
            "probabilities not calibrated; re-run `dvc repro`")

    def describe(self, prediction: SongPrediction) -> str:
        return (f"{prediction.n_windows} windows of {self.meta['window']:g} s, fusion "
                f"({self.record['method']}) of {len(self.members)} runs")

    def predict(self, songs: Sequence[Prepared]) -> list[SongPrediction]:
        members = np.stack([[p.probs for p in member.predict(songs)] for member in self.members])
        own = self.combination.apply(members, self.combination.members)
        fused = apply_temperature(own, self.temperature)
        return [SongPrediction(s.path, self.classes, None, s.starts, s.hop, s.duration, s.padded,
                               song_probs=probs, own_probs=mine)
                for s, probs, mine in zip(songs, fused, own, strict=True)]


def load_model(folder: str | Path) -> RunModel | FusionModel:
    """The model of a model folder: a run's, or the fusion's."""
    return FusionModel(folder) if is_fusion_model(folder) else RunModel(folder)


def prepare_song(item: LibraryFile, featurisations: Sequence[Featurisation],
                 novelty: Geometry | None = None) -> Prepared | Skipped | Silent:
    """Decode `item` as the download stage decodes (once per sample rate) and featurise it for
    each of `featurisations` (and describe how it sounds, windowed as `novelty` says); a file
    that cannot be used is Skipped with the reason, a silent one is Silent. A song shorter than
    one window is zero-padded to one window (`padded`)."""
    if item.problem:
        return Skipped(item.shown, item.problem)
    signals, features = {}, {}

    def signal(rate: int) -> np.ndarray:
        if rate not in signals:
            signals[rate] = canonical(load_audio(item.path, rate), rate)
        return signals[rate]

    try:
        for f in featurisations:
            windows = frame_signal(signal(f.sample_rate), f.window_samples, f.hop_samples, pad_short=True)
            features[f] = featurize(f.transform, windows, f.sample_rate, json.loads(f.params_json))
            if not np.isfinite(features[f]).all():
                return Skipped(item.shown, f"the {f.transform} features are not finite")
        descriptor = None if novelty is None else novelty.describe(signal(novelty.sample_rate))
    except BadAudio as exc:
        # the decoder's words for a file of digital silence (`audio.decode.check_signal`): unknown
        # when songs are judged at all, else skipped as the pipeline skips it
        silent = novelty is not None and str(exc).startswith("silent")
        return (Silent if silent else Skipped)(item.shown, str(exc))
    except GenrepipeError as exc:
        return Skipped(item.shown, str(exc))
    first = featurisations[0]
    y = signals[first.sample_rate]
    hop = first.hop_samples / first.sample_rate
    return Prepared(item.shown, features, y.size / first.sample_rate, y.size < first.window_samples,
                    np.arange(len(features[first])) * hop, hop, descriptor)


def watch_novelty(model: RunModel | FusionModel, model_folder: str | Path) -> str | None:
    """Judge every song `model` classifies against the novelty stage's detector: the copy in its
    model folder, else models/novelty beside it (a folder written before it held one), when it
    describes the songs the model learnt from; a note when it cannot."""
    model_folder = Path(model_folder)
    folder = model_folder if has_record(model_folder) else model_folder.parent / "novelty"
    if not has_record(folder):
        return (f"{model_folder} holds no novelty.json and there is no {folder}/ (the novelty "
                "stage's; re-run `dvc repro`): songs unlike the training songs are not flagged")
    detector = Detector.read(folder)
    known = model.meta.get("dataset", {}).get("classes")
    if known is not None and known != detector.record["classes"]:
        return (f"{folder} describes songs of {', '.join(detector.record['classes'])}, not the "
                f"{', '.join(known)} {model.name} learnt from: songs unlike the training songs are "
                "not flagged")
    model.novelty = detector
    return None


def classify(model, files: Sequence[LibraryFile], jobs: int = 1, batch_windows: int = 2048
             ) -> Iterator[SongPrediction | Skipped | Silent]:
    """Every file's prediction by `model` (or why it was skipped), in the order of `files`:
    songs prepared in `jobs` worker processes while the model loads, classified in batches
    (the first of one song, so that the first answer comes at once; each next one twice as
    large, up to about `batch_windows` windows), each given out as soon as its batch is done:
    memory does not grow with the number of files."""
    novelty = None if model.novelty is None else model.novelty.geometry
    prepared = imap_songs(partial(prepare_song, featurisations=model.featurisations, novelty=novelty),
                          files, jobs, desc="predict")  # the workers start now ...
    model.load()  # ... while the model loads here
    waiting: list[Prepared | Skipped | Silent] = []
    windows, limit = 0, 1
    for item in prepared:
        waiting.append(item)
        windows += len(item.starts) if isinstance(item, Prepared) else 0
        if windows >= limit:
            yield from _classified(model, waiting)
            waiting, windows, limit = [], 0, min(2 * max(limit, windows), batch_windows)
    yield from _classified(model, waiting)


def _classified(model, items: list[Prepared | Skipped | Silent]
                ) -> Iterable[SongPrediction | Skipped | Silent]:
    songs = [i for i in items if isinstance(i, Prepared)]
    predictions = model.predict(songs) if songs else []
    if model.novelty is not None:
        for song, prediction in zip(songs, predictions, strict=True):
            prediction.verdict = model.novelty.judge(song.descriptor)
    predictions = iter(predictions)
    return [next(predictions) if isinstance(i, Prepared) else i for i in items]


def predict_song(model: RunModel | TrainedRun, path: str | Path) -> SongPrediction:
    """Classify one audio file of any format and length with a run (its folder loaded).

    Raises
    ------
    DataError
        When the file cannot be decoded or holds no usable audio, with the path and reason.
    """
    if isinstance(model, TrainedRun):
        model = RunModel(trained=model)
    item = library_files([path])[0]
    result = next(classify(model, [item]))
    if isinstance(result, (Skipped, Silent)):
        raise DataError(f"{result.path}: {result.reason}")
    return result


def check_file(path: str | Path) -> None:
    """A missing path says so (the decoder, which catches everything, would call it undecodable)."""
    if not Path(path).exists():
        raise DataError(f"{path}: not found")
    if not Path(path).is_file():
        raise DataError(f"{path}: not a file; expected an audio file")
