"""The names of the pretrained networks and of their outputs: light, since every stage imports
it while checking params (the entries' choices), without loading a network."""

# musicnn's two pretrained networks: MSD (Million Song Dataset tags) and MTT (MagnaTagATune)
MUSICNN_MODELS = ("MSD_musicnn", "MTT_musicnn")
# the layers whose activations a musicnn transform can give
MUSICNN_LAYERS = ("mean_pool", "max_pool", "pooled", "penultimate", "taggram")
# basic-pitch's posteriorgram frames per second (22050 Hz // hop 256)
BASIC_PITCH_FPS = 86
