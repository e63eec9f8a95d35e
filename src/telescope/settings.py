"""The settings table: one row per setting (name, default, help) drives CLI flags, environment variables
(``TELESCOPE_<NAME>``) and the documentation. Nothing is read from the environment at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telescope.logdirs import LogdirEntry


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    type: type = str
    metavar: str | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "logdir",
        None,
        "directory holding event files (searched recursively for runs); give it several times to compare logdirs, "
        "optionally named: --logdir baseline:logs/a",
        str,
        "DIR",
    ),
    Setting(
        "logdir_spec",
        None,
        "several logdirs as TensorBoard takes them: name1:path1,name2:path2 (run names start with the name)",
        str,
        "SPEC",
    ),
    Setting(
        "host",
        "localhost",
        "interface to listen on; localhost keeps Telescope private to this machine",
        str,
        "HOST",
    ),
    Setting("bind_all", False, "listen on every network interface (exposes your runs to the network)", bool),
    Setting("port", 6006, "port to listen on; if taken, the next free one is used and said", int, "PORT"),
    Setting(
        "db",
        None,
        "index database path (default: a per-user cache file keyed by the logdir, or by the set of logdirs)",
        str,
        "PATH",
    ),
    Setting("reindex", False, "delete the index and rebuild it from the event files", bool),
    Setting(
        "reload_interval",
        1.0,
        "seconds between polls of the logdir for new data (0 reads once)",
        float,
        "SECONDS",
    ),
    Setting(
        "path_prefix",
        "",
        "serve under this URL path, e.g. /telescope, behind a reverse proxy",
        str,
        "PATH",
    ),
    Setting("window_title", "", "the browser tab's title", str, "TITLE"),
)


@dataclass(frozen=True)
class Settings:
    """Every setting of a Telescope server. The logdirs are ``logdir`` (the first ``--logdir``), ``other_logdirs``
    (the further ones) and ``logdir_spec``; :meth:`logdirs` reads them all."""

    logdir: str | None = None
    other_logdirs: tuple[str, ...] = ()
    logdir_spec: str | None = None
    host: str = "localhost"
    bind_all: bool = False
    port: int = 6006
    db: str | None = None
    reindex: bool = False
    reload_interval: float = 1.0
    path_prefix: str = ""
    window_title: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def listen_host(self) -> str:
        return "0.0.0.0" if self.bind_all else self.host

    def logdir_entries(self) -> list[LogdirEntry]:
        """The logdirs as typed (names split off, quotes stripped), in order: --logdir values, then the spec's."""
        from telescope.logdirs import parse_spec, split_named

        typed = [t for t in (self.logdir, *self.other_logdirs) if t is not None and t.strip()]
        entries = [split_named(t, exists=os.path.exists) for t in typed]
        if self.logdir_spec is not None and self.logdir_spec.strip():
            entries += parse_spec(self.logdir_spec, exists=os.path.exists)
        return entries

    def logdirs(self) -> list[tuple[str, Path]]:
        """The logdirs to serve as (name, resolved path), in order; the name is "" for a single unnamed logdir.
        Raises :class:`telescope.logdirs.LogdirError` (a ValueError) when two share a name or a name is bad."""
        from telescope.logdirs import logdir_set

        return [(name, Path(path)) for name, path in logdir_set(self.logdir_entries())]

    def logdir_path(self) -> Path | None:
        """The logdir when exactly one unnamed logdir is given (run names unprefixed), else None."""
        dirs = self.logdirs()
        if len(dirs) == 1 and dirs[0][0] == "":
            return dirs[0][1]
        return None

    def logdir_text(self) -> str:
        """The logdirs as one line, for display and for recording a running instance: the path of a single
        unnamed logdir, else ``name1:path1,name2:path2`` (which ``--logdir_spec`` takes back)."""
        from telescope.logdirs import spec_text

        return spec_text(self.logdirs())


def env_defaults(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Setting values from ``TELESCOPE_<NAME>`` environment variables."""
    env = os.environ if environ is None else environ
    out: dict[str, object] = {}
    for s in SETTINGS:
        raw = env.get(f"TELESCOPE_{s.name.upper()}")
        if raw is None:
            continue
        if s.type is bool:
            out[s.name] = raw.strip().lower() in ("1", "true", "yes", "on")
        else:
            out[s.name] = s.type(raw)
    return out


def make_settings(values: Mapping[str, object]) -> Settings:
    """Settings from a mapping of names to values; a list of logdirs (``--logdir`` given several times) becomes
    ``logdir`` and ``other_logdirs``."""
    known = {f.name for f in fields(Settings)}
    chosen = {k: v for k, v in values.items() if k in known and k != "extra"}
    logdir = chosen.get("logdir")
    if isinstance(logdir, list | tuple):
        chosen["logdir"] = logdir[0] if logdir else None
        chosen["other_logdirs"] = tuple(logdir[1:])
    return Settings(**chosen)  # type: ignore[arg-type]
