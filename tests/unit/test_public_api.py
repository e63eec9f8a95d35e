"""The public names are listed in ``__all__`` and importing telescope stays cheap."""

from __future__ import annotations

import subprocess
import sys

import telescope


def test_all_is_complete_and_resolves() -> None:
    import types

    public = {
        n for n in dir(telescope) if not n.startswith("_") and not isinstance(getattr(telescope, n), types.ModuleType)
    } - {"TYPE_CHECKING", "Any", "annotations"}
    assert public <= set(telescope.__all__)
    for name in telescope.__all__:
        assert getattr(telescope, name) is not None


def test_import_does_not_pull_in_the_server_or_numpy() -> None:
    code = (
        "import sys, telescope; print(sorted(m for m in ('fastapi','numpy','sqlite3','uvicorn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
