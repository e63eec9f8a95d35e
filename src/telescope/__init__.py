"""Telescope: a fast, lossless, live visualization suite for machine-learning experiments.

Importing ``telescope`` is cheap: it does not pull in the server, SQL or numpy. ``SummaryWriter`` and the
read API (``read_scalars``) load what they need on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["SummaryWriter", "__version__", "read_scalars"]

if TYPE_CHECKING:
    from telescope.api import read_scalars
    from telescope.writer import SummaryWriter

_LAZY = {"read_scalars": "telescope.api", "SummaryWriter": "telescope.writer"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'telescope' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
