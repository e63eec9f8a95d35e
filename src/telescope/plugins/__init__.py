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
from typing import TYPE_CHECKING

from telescope.plugins.base import BlobItem, Plugin, data_names, has_dashboard

if TYPE_CHECKING:
    from telescope.store import Store

logger = logging.getLogger(__name__)

__all__ = [
    "BlobItem",
    "Plugin",
    "data_names",
    "decoder_for",
    "get_plugin",
    "has_dashboard",
    "kind_counts",
    "kind_of",
    "load_plugins",
]

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


def kind_of(data_name: str) -> str:
    """The kind that shows data written with plugin name ``data_name`` (the name itself when no kind claims it):
    ``graph_keras_model`` data is shown by the ``graphs`` kind."""
    plugin = _decoders().get(data_name)
    return data_name if plugin is None else plugin.name


def kind_counts(store: Store) -> dict[str, int]:
    """Tags per kind in ``store`` (data no kind claims is counted under its own plugin name), plus what kinds that
    keep nothing in the store (``count_tags``, e.g. embeddings named by projector files) report."""
    counts: dict[str, int] = {}
    for data_name, n in store.status().series_by_plugin.items():
        if data_name and n:
            kind = kind_of(data_name)
            counts[kind] = counts.get(kind, 0) + n
    for plugin in load_plugins().values():
        count_tags = getattr(plugin, "count_tags", None)
        if count_tags is not None:
            try:
                n = int(count_tags(store))
            except Exception:
                logger.exception("the %s kind could not count its tags", plugin.name)
                continue
            if n:
                counts[plugin.name] = counts.get(plugin.name, 0) + n
    return counts


def decoder_for(data_name: str) -> Plugin | None:
    """The kind that decodes values written with plugin name ``data_name`` (None: no kind claims it)."""
    return _decoders().get(data_name)


def get_plugin(name: str) -> Plugin | None:
    return load_plugins().get(name)
