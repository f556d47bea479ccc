"""The task a dataset poses, as one object: `Multiclass` (one class a song: genres) or
`Multilabel` (any number of tags a song). Everything that differs between them is here: labels
on disk, training targets and the output layer, scores and thresholds, the headline metric and
its name, the report, what `predict` prints. No code outside this package asks which task it is."""
