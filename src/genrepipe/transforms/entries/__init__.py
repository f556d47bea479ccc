"""One module per transform, each defining ``ENTRY`` (a `transforms.entry.TransformEntry`);
`_shared` holds the checks several transforms use. Discovered by `transforms.registry` (see
`genrepipe.core.registry`)."""
