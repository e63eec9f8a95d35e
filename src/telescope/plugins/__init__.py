"""Data kinds. Each kind lives in ``telescope/plugins/<kind>/`` and ``web/src/plugins/<kind>/`` and nowhere else.

Kinds register through the ``telescope.plugins`` entry-point group, built-in ones included, so a third-party
kind plugs in the same way. When Telescope runs from a source tree that was never installed (no entry points),
the built-in kinds are found directly.
"""

from __future__ import annotations

import importlib
import logging
from functools import cache
from importlib.metadata import entry_points

from telescope.plugins.base import BlobItem, Plugin, data_names, has_dashboard

logger = logging.getLogger(__name__)

__all__ = ["BlobItem", "Plugin", "data_names", "decoder_for", "get_plugin", "has_dashboard", "load_plugins"]

BUILTIN = (
    "scalars",
    "histograms",
    "images",
    "audio",
    "text",
    "pr_curves",
    "custom_scalars",
    "mesh",
    "hparams",
    "graphs",
    "embeddings",
)


@cache
def load_plugins() -> dict[str, Plugin]:
    """Every registered data kind, by plugin name."""
    found: dict[str, Plugin] = {}
    for ep in entry_points(group="telescope.plugins"):
        try:
            plugin = ep.load()
        except Exception:
            logger.exception("could not load the plugin %r", ep.name)
            continue
        found[plugin.name] = plugin
    for name in BUILTIN:
        if name not in found:
            try:
                module = importlib.import_module(f"telescope.plugins.{name}")
            except ImportError as e:
                if e.name != f"telescope.plugins.{name}":
                    logger.exception("could not load the built-in plugin %r", name)
                continue
            if hasattr(module, "plugin"):
                found[name] = module.plugin
    return found


@cache
def _decoders() -> dict[str, Plugin]:
    table: dict[str, Plugin] = {}
    for plugin in load_plugins().values():
        for data_name in data_names(plugin):
            table.setdefault(data_name, plugin)
    return table


def decoder_for(data_name: str) -> Plugin | None:
    """The kind that decodes values written with plugin name ``data_name`` (None: no kind claims it)."""
    return _decoders().get(data_name)


def get_plugin(name: str) -> Plugin | None:
    return load_plugins().get(name)
