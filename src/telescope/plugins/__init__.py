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

from telescope.plugins.base import Plugin

logger = logging.getLogger(__name__)

__all__ = ["Plugin", "get_plugin", "load_plugins"]

BUILTIN = ("scalars",)


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
            found[name] = importlib.import_module(f"telescope.plugins.{name}").plugin
    return found


def get_plugin(name: str) -> Plugin | None:
    return load_plugins().get(name)
