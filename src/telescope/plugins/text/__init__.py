"""The text kind: Markdown notes and tables of strings, one sample per step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telescope.plugins.text.decode import decode
from telescope.plugins.text.metadata import PLUGIN_NAME

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    from fastapi import APIRouter

    from telescope.store import Store

_NOTES = ["# Notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", "unicode: héllo ✓ <script>x</script>", ""]


class TextPlugin:
    name = PLUGIN_NAME
    storage_class = "tensors"
    has_dashboard = False
    decode = staticmethod(decode)

    def router(self) -> APIRouter:
        from telescope.plugins.text.routes import router

        return router

    def read_frame(self, store: Store, **options: Any) -> pd.DataFrame:
        from telescope.plugins.text.query import read_frame

        return read_frame(store, **options)

    def write_sample(self, log_dir: Path) -> dict[Any, Any]:
        """Markdown written with ``add_text`` (stored as PyTorch stores it: a one-string vector under
        ``<tag>/text_summary``); reading it must give the same strings, raw, as one-cell rows."""
        from telescope.writer import SummaryWriter

        with SummaryWriter(log_dir / "run") as w:
            for step, note in enumerate(_NOTES):
                w.add_text("sample/notes", note, step, walltime=1_700_000_000.0 + step)
        return {("run", "sample/notes/text_summary"): [(step, [[note]]) for step, note in enumerate(_NOTES)]}

    def read_sample(self, store: Store) -> dict[Any, Any]:
        from telescope.plugins.text.query import read_series, text_series_rows

        return {
            (s.run, s.tag): list(zip(s.steps.tolist(), s.texts(), strict=True))
            for s in read_series(store, text_series_rows(store))
        }


plugin = TextPlugin()

__all__ = ["plugin"]
