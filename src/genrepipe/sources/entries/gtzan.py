"""The `gtzan` entry: the GTZAN archive, downloaded once and checksummed."""

from __future__ import annotations

from ...core.schema import Block, ListOf, Text, integer
from ..entry import SourceEntry

ENTRY = SourceEntry(
    "gtzan", "the GTZAN archive (1000 clips, 10 genres), downloaded once, sha256-checked, with "
    "its fault-filtered split",
    spec=Block(fields={
        "urls": ListOf(item=Text(prefixes=("http://", "https://")), min_len=1),
        "hash": Text(prefixes=("md5:", "sha256:")),
        "cache_dir": Text(nullable=True, default=None),
        "retries": integer(min=0, max=10, default=2),
    }),
    origin_prefix="genres.tar.gz:", location="the GTZAN archive (genres.tar.gz)",
    split_name="GTZAN's fault-filtered split", not_inputs=("urls", "retries", "cache_dir"))
