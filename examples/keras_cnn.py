"""Train a small CNN on scikit-learn's 8x8 digits with Keras, logging with ``telescope.keras.TensorBoard``.

The classic Keras workflow, on any Keras backend and without TensorFlow:

    KERAS_BACKEND=torch python examples/keras_cnn.py            # or jax, or tensorflow
    telescope --logdir logs/keras_cnn

It writes ``logs/keras_cnn/train`` (epoch_loss, epoch_accuracy, epoch_learning_rate, weight histograms and
images, the layer graph) and ``logs/keras_cnn/validation`` (the same metrics on held-out digits).
"""

from __future__ import annotations

import argparse
import os

# Choose the backend before Keras is imported; PyTorch unless KERAS_BACKEND says otherwise.
os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
import numpy as np
from sklearn.datasets import load_digits

import telescope.keras


def build_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(8, 8, 1)),
            keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),
            keras.layers.MaxPooling2D(name="pool1"),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2"),
            keras.layers.Dropout(0.25, name="dropout"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(64, activation="relu", name="dense"),
            keras.layers.Dense(10, activation="softmax", name="out"),
        ],
        name="digits_cnn",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/keras_cnn", help="where to write the runs (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=0, help="train on this many digits only (0: all 1,797)")
    parser.add_argument("--update-freq", default="epoch", help='"epoch", "batch" or a number of batches')
    args = parser.parse_args()

    keras.utils.set_random_seed(0)
    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., np.newaxis]  # pixels are 0..16
    y = digits.target.astype("int64")
    if args.samples:
        x, y = x[: args.samples], y[: args.samples]

    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    update_freq = int(args.update_freq) if args.update_freq.isdigit() else args.update_freq
    callback = telescope.keras.TensorBoard(
        log_dir=args.logdir, histogram_freq=1, write_images=True, update_freq=update_freq
    )
    model.fit(x, y, epochs=args.epochs, batch_size=32, validation_split=0.2, callbacks=[callback], verbose=2)

    print(f"Keras backend: {keras.backend.backend()}; logs written to {os.path.abspath(args.logdir)}")
    print(f"View them with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
