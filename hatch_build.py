"""Build hook: builds the web UI (``npm ci`` + ``vite build``) into the package's static folder.

The bundle is build output, so git ignores it; installing the package (``pip install -e .`` or a wheel
build) produces it. Set ``TELESCOPE_SKIP_UI_BUILD=1`` to skip the step (the server then explains that the UI is not built).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class UIBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        web = root / "web"
        static = root / "src" / "telescope" / "server" / "static"
        if not (web / "package.json").exists():
            # Building from an sdist without web sources: the bundle must already be there.
            return
        if os.environ.get("TELESCOPE_SKIP_UI_BUILD") == "1":
            return  # developers who build the UI themselves (the server explains when it is missing)
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "Building Telescope's web UI needs Node.js and npm (Node 20 or newer). "
                "Install them (e.g. `apt-get install nodejs npm`) and run the install again."
            )
        if not (web / "node_modules" / ".package-lock.json").exists() or _lock_newer(web):
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=web, check=True)
        subprocess.run([npm, "run", "build"], cwd=web, check=True)
        if not (static / "index.html").exists():
            raise RuntimeError(f"The web UI build did not produce {static / 'index.html'}")


def _lock_newer(web: Path) -> bool:
    lock = web / "package-lock.json"
    installed = web / "node_modules" / ".package-lock.json"
    return lock.stat().st_mtime > installed.stat().st_mtime
