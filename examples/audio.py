"""Audio: a tone that rises with the step, and a chord, as playable clips.

Run it, then open what it wrote:

    python examples/audio.py [--logdir logs/audio]
    telescope --logdir logs/audio
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from telescope import SummaryWriter

SAMPLE_RATE = 16000


def tone(frequencies: list[float], seconds: float = 1.0) -> np.ndarray:
    """A mono clip in [-1, 1] with a short fade in and out (no clicks)."""
    t = np.arange(int(SAMPLE_RATE * seconds)) / SAMPLE_RATE
    clip = sum(np.sin(2 * np.pi * f * t) for f in frequencies) / len(frequencies)
    fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02)
    return (clip * fade * 0.8).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/audio", help="where to write the run (default: %(default)s)")
    args = parser.parse_args()

    with SummaryWriter(args.logdir) as writer:
        for step, frequency in enumerate((220.0, 330.0, 440.0, 660.0)):
            writer.add_audio("rising_tone", tone([frequency]), step, sample_rate=SAMPLE_RATE)
        writer.add_audio("a_major_chord", tone([440.0, 554.37, 659.25], seconds=2.0), 0, sample_rate=SAMPLE_RATE)

    print(f"Wrote audio to {os.path.abspath(args.logdir)}")
    print(f"View it with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
