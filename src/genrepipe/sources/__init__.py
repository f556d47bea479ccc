"""Where songs come from: the synthetic demo set, a local folder, or the GTZAN archive."""
