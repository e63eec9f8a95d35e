"""Telescope: a fast, lossless, live visualization suite for machine-learning experiments.

Importing ``telescope`` is cheap: it does not pull in the server, SQL or numpy. The read API
(``read_scalars``) loads what it needs on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "read_scalars"]

if TYPE_CHECKING:
    from telescope.api import read_scalars


def __getattr__(name: str) -> Any:
    if name == "read_scalars":
        from telescope.api import read_scalars

        return read_scalars
    raise AttributeError(f"module 'telescope' has no attribute {name!r}")
