"""Sample data for the plugin contract suite: Markdown notes written with ``add_text``, read back through the
query layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telescope.store import Store

_NOTES = ["# Notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", "unicode: héllo ✓ <script>x</script>", ""]


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """Markdown written with ``add_text`` (stored as PyTorch stores it: a one-string vector under
    ``<tag>/text_summary``); reading it must give the same strings, raw, as one-cell rows."""
    from telescope.writer import SummaryWriter

    with SummaryWriter(log_dir / "run") as w:
        for step, note in enumerate(_NOTES):
            w.add_text("sample/notes", note, step, walltime=1_700_000_000.0 + step)
    return {("run", "sample/notes/text_summary"): [(step, [[note]]) for step, note in enumerate(_NOTES)]}


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.text.query import read_series, text_series_rows

    return {
        (s.run, s.tag): list(zip(s.steps.tolist(), s.texts(), strict=True))
        for s in read_series(store, text_series_rows(store))
    }
