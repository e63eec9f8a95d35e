"""``%load_ext telescope`` registers the ``%telescope`` magic without loading the server into the kernel."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import telescope
import telescope.notebook


class FakeShell:
    def __init__(self) -> None:
        self.magics: dict[tuple[str, str], Callable[[str], Any]] = {}

    def register_magic_function(self, func: Callable[[str], Any], magic_kind: str, magic_name: str) -> None:
        self.magics[(magic_kind, magic_name)] = func


def test_load_ext_registers_the_line_magic() -> None:
    for module in (telescope, telescope.notebook):
        shell = FakeShell()
        module.load_ipython_extension(shell)
        assert list(shell.magics) == [("line", "telescope")]


def test_public_names() -> None:
    assert {"start", "display", "list", "StartError", "load_ipython_extension"} <= set(telescope.notebook.__all__)
    assert telescope.notebook.list is telescope.notebook.list_instances


def test_loading_the_extension_stays_light() -> None:
    code = (
        "import sys, telescope; telescope.load_ipython_extension; "
        "print(sorted(m for m in ('fastapi', 'numpy', 'sqlite3', 'uvicorn', 'IPython') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
