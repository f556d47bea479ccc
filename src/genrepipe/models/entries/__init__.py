"""One module per model, each defining ``ENTRY`` (a `models.entry.ModelEntry`); `_shared` holds
the spec parts several models use. Discovered by `models.registry` (see `genrepipe.core.registry`)."""
