"""Telescope: a fast, lossless, live visualization suite for machine-learning experiments.

Importing ``telescope`` is cheap: it does not pull in the server, SQL or numpy. ``SummaryWriter`` and the
read API (``read_scalars``, ``read_histograms``, ``read_images``...) load what they need on first use, and so does
``load_ipython_extension`` (``%load_ext telescope`` in a notebook; see ``telescope.notebook``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "SummaryWriter",
    "__version__",
    "load_ipython_extension",
    "read_audio",
    "read_custom_scalars",
    "read_embeddings",
    "read_graphs",
    "read_histograms",
    "read_hparams",
    "read_images",
    "read_mesh",
    "read_pr_curves",
    "read_scalars",
    "read_text",
]

if TYPE_CHECKING:
    from telescope.api import (
        read_audio,
        read_custom_scalars,
        read_embeddings,
        read_graphs,
        read_histograms,
        read_hparams,
        read_images,
        read_mesh,
        read_pr_curves,
        read_scalars,
        read_text,
    )
    from telescope.notebook import load_ipython_extension
    from telescope.writer import SummaryWriter

# Where each lazy name lives: the read functions are every ``read_*`` of ``__all__``.
_LAZY = {
    "SummaryWriter": "telescope.writer",
    "load_ipython_extension": "telescope.notebook",
    **{n: "telescope.api" for n in __all__ if n.startswith("read_")},
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'telescope' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
