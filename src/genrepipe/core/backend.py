"""The one place that chooses the Keras backend; import `keras` from here, never directly.

TensorFlow is the default (measured on 2 CPU cores, bench/backends.md: JAX takes 2.1-2.2x its
time to train our 2D CNN and the same for musicnn's inference; torch not measured). Another
backend is one environment variable away (`KERAS_BACKEND=jax`), since the model code is plain
Keras 3. TensorFlow uses a GPU when it sees one, with no code change.
"""

import os
import re
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep stage logs readable
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")  # same seed, same weights (CPU and GPU)

from .limits import prepare_for_tensorflow  # noqa: E402

# What TensorFlow 2.21's C++ side writes to the process's stderr, whatever TF_CPP_MIN_LOG_LEVEL
# says: absl's notice and oneDNN's while it loads, oneDNN's once-per-process notice that int32
# ops fall back to Eigen on CPUs without AVX-512 (numerics stay as they are), and tf.data's
# once-per-process complaint at the first `fit` on arrays (a map rewritten for determinism).
STARTUP_NOISE = re.compile(r"All log messages before absl::InitializeLog\(\) is called|"
                           r"oneDNN custom operations are on|"
                           r"oneDNN supports DT_INT32 only on platforms with AVX-512|"
                           r"NodeDef mentions attribute use_unbounded_threadpool")


def _import_keras_quietly():
    """Import Keras (and TensorFlow) with file descriptor 2 caught, then write back every line
    but TensorFlow's start-up notices; everything when the import fails."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            import keras

            _say_tensorflow_notices_now(keras)
        except BaseException:
            _restore(saved, caught, keep=lambda line: True)
            raise
        _restore(saved, caught, keep=lambda line: not STARTUP_NOISE.search(line))
    return keras


def _say_tensorflow_notices_now(keras) -> None:
    """Make TensorFlow print its once-per-process notices now, while stderr is caught, instead of
    in the middle of the first epoch: one int32 transpose in a graph (oneDNN's fallback notice, for
    any network whose gradient transposes int32 shapes: UpSampling2D's does) and one step of a
    zero network on one zero sample (tf.data's; on a CPU with AVX-512 it is also the first notice,
    which brings absl's). No random draw: a seed set afterwards gives the weights it gave before
    (0.2 s, measured on 2 cores)."""
    if keras.backend.backend() != "tensorflow":
        return
    import numpy as np
    import tensorflow as tf

    tf.function(tf.transpose)(tf.zeros((1, 2), tf.int32))
    inputs = keras.Input((1,), name="warm_up_input")  # named: the automatic names stay unused
    dense = keras.layers.Dense(1, kernel_initializer="zeros", name="warm_up_dense")
    network = keras.Model(inputs, dense(inputs), name="warm_up")
    network.compile(keras.optimizers.SGD(name="warm_up_sgd"), "mse")
    zero = np.zeros((1, 1), np.float32)
    network.fit(zero, zero, shuffle=False, verbose=0)


def _restore(saved: int, caught, keep) -> None:
    sys.stderr.flush()
    os.dup2(saved, 2)
    os.close(saved)
    caught.seek(0)
    lines = caught.read().decode(errors="replace").splitlines(keepends=True)
    sys.stderr.write("".join(line for line in lines if keep(line)))
    sys.stderr.flush()


prepare_for_tensorflow()  # under `ulimit -v`: fewer malloc arenas, or one line if it is too small

keras = _import_keras_quietly()

__all__ = ["in_batches", "infer", "keras", "seed_everything"]


def in_batches(call, x, batch_size: int) -> list:
    """`call` applied to `x` `batch_size` items at a time: the list of its results (memory stays
    bounded whatever the number of windows)."""
    return [call(x[i:i + batch_size]) for i in range(0, len(x), batch_size)]


def infer(network, x, batch_size: int = 64):
    """`network`'s outputs for `x` in inference mode (`training=False`: dropout off, batch-norm
    statistics fixed), batch by batch, as one NumPy array; no items give (0, *output shape)."""
    import numpy as np

    chunks = in_batches(lambda batch: keras.ops.convert_to_numpy(network(batch, training=False)),
                        x, batch_size)
    return np.concatenate(chunks) if chunks else np.zeros((0, *network.output_shape[1:]), np.float32)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the backend, so weight init, dropout and noise repeat."""
    keras.utils.set_random_seed(seed)
