"""Audio representations of a stack of windows: the registry (`registry`) and one module per
transform, so that a change to one transform re-runs only its own DVC stage."""
