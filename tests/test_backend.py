"""The Keras backend's process output: TensorFlow's C++ notices never reach a stage's log."""

import subprocess
import sys

# A network whose gradient runs int32 ops through oneDNN's checks (UpSampling2D's repeat is a
# tile, whose gradient transposes the shapes): on a CPU without AVX-512, TensorFlow prints its
# once-per-process fallback notice during the first epoch unless it was said at import.
TRAIN_AN_UPSAMPLING_NETWORK = """
import numpy as np
from genrepipe.core.backend import keras, seed_everything

seed_everything(1)
layers = keras.layers
inputs = keras.Input((8, 10, 1))
x = layers.MaxPooling2D(2)(layers.Conv2D(2, 3, padding="same")(inputs))
network = keras.Model(inputs, layers.UpSampling2D(2)(x))
network.compile("adam", "mse")
x = np.random.default_rng(0).random((8, 8, 10, 1), dtype=np.float32)
network.fit(x, x, epochs=1, verbose=0)
print("trained")
"""


def test_a_keras_process_prints_no_tensorflow_notice():
    result = subprocess.run([sys.executable, "-c", TRAIN_AN_UPSAMPLING_NETWORK],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout == "trained\n", result.stderr
    assert "oneDNN" not in result.stderr and "absl" not in result.stderr, result.stderr
