"""Where the index lives: a per-user cache directory keyed by the logdir, never inside the logdir."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import platformdirs


def default_db_path(logdir: str | Path) -> Path:
    """The index path for ``logdir``: ``<user cache>/telescope/index/<name>-<hash>.sqlite``."""
    key = str(Path(logdir).expanduser().resolve())
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(key).name or "root")[:40]
    return Path(platformdirs.user_cache_dir("telescope")) / "index" / f"{name}-{digest}.sqlite"
