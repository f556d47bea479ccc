"""Where songs come from: the synthetic demo set (its synthesiser in `synth/`), a local folder
(with or without a labels file), or the GTZAN archive; and the provenance a model records."""
