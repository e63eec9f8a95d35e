"""Text: markdown notes (with a table and code) and one plain line per step.

Run it, then open what it wrote:

    python examples/text.py [--logdir logs/text]
    telescope --logdir logs/text
"""

from __future__ import annotations

import argparse
import os

from telescope import SummaryWriter

NOTES = """# Run notes

Trained a **small CNN** on the digits; the learning rate was halved at step 200.

| epoch | loss | accuracy |
|------:|-----:|---------:|
| 0 | 2.10 | 0.41 |
| 1 | 0.93 | 0.78 |
| 2 | 0.48 | 0.89 |

```python
model.fit(x, y, epochs=3)
```
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/text", help="where to write the run (default: %(default)s)")
    args = parser.parse_args()

    with SummaryWriter(args.logdir) as writer:
        writer.add_text("notes", NOTES, 0)
        for step, sample in enumerate(["the cat sat", "the cat sat on the mat", "the cat sat on the mat, happily"]):
            writer.add_text("generated_sample", f"step {step}: {sample}", step)

    print(f"Wrote text to {os.path.abspath(args.logdir)}")
    print(f"View it with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
