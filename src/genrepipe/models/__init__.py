"""Models: the registry (`registry`), the two families (`classic` for scikit-learn, `network`
for Keras) and one module per model, so that a change to one model retrains only its runs; and
what serves them: the trained-run reader (`trained`, the owner of meta.json), the Keras loader,
batch augmentation, normalisation and the embedder."""
