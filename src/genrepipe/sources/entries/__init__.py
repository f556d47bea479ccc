"""One module per source, each defining `ENTRY` (a `SourceEntry`). Discovered by
`sources.registry` (see `genrepipe.core.registry`)."""
