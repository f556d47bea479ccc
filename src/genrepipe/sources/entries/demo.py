"""The `demo` entry: synthetic GTZAN-shaped songs, generated offline."""

from __future__ import annotations

from ...core.schema import Block, Choice, ListOf, Number, integer
from ..entry import SourceEntry

GENRES = ("blues", "classical", "country", "disco", "hiphop",
          "jazz", "metal", "pop", "reggae", "rock")

ENTRY = SourceEntry(
    "demo", "synthetic GTZAN-shaped songs generated offline from genre recipes (`sources/synth/`); "
    "each song's tags are the instruments it plays",
    spec=Block(fields={
        "songs_per_genre": integer(min=1, max=10000, default=30),
        "duration": Number(min=1, max=600, default=30.0),
        "genres": ListOf(item=Choice(choices=GENRES), min_len=2, default=list(GENRES)),
    }),
    origin_prefix="demo:", location="synthetic demo songs ({origins})", own_tags=True)
