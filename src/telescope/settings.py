"""The settings table: one row per setting (name, default, help) drives CLI flags, environment variables
(``TELESCOPE_<NAME>``) and the documentation. Nothing is read from the environment at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    type: type = str
    metavar: str | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("logdir", None, "directory holding event files (searched recursively for runs)", str, "DIR"),
    Setting(
        "host",
        "localhost",
        "interface to listen on; localhost keeps Telescope private to this machine",
        str,
        "HOST",
    ),
    Setting("bind_all", False, "listen on every network interface (exposes your runs to the network)", bool),
    Setting("port", 6006, "port to listen on; if taken, the next free one is used and said", int, "PORT"),
    Setting("db", None, "index database path (default: a per-user cache file keyed by the logdir)", str, "PATH"),
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
    logdir: str | None = None
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

    def logdir_path(self) -> Path | None:
        if self.logdir is None:
            return None
        return Path(self.logdir).expanduser().resolve()

    def logdirs(self) -> list[tuple[str, Path]]:
        """The logdirs to serve as (name, resolved path); the name is "" for a single unnamed logdir."""
        path = self.logdir_path()
        return [] if path is None else [("", path)]

    def logdir_text(self) -> str:
        """The logdirs as one line, for display and for recording a running instance."""
        return ",".join(f"{name}:{path}" if name else str(path) for name, path in self.logdirs())


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
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in values.items() if k in known and k != "extra"})  # type: ignore[arg-type]
