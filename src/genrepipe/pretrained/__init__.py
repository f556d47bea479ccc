"""Pretrained music networks, rebuilt in Keras 3 and loaded with the weights of pinned packages."""
