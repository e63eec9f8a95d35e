"""Create the benchmark's own environment, ``bench/.venv``.

It holds TensorBoard (``tensorboard==2.21.*``, which brings the Rust data server used by ``--load_fast=true``),
what the benchmark scripts need (``bench/requirements.txt``) and Telescope's runtime dependencies, read from
``pyproject.toml``. Telescope itself is not installed: the scripts run it from this checkout's ``src/`` (via
``PYTHONPATH``), so a benchmark always measures the working tree as it is.

    python bench/setup_env.py            # create or update bench/.venv
    python bench/setup_env.py --check    # only say whether it is complete

Nothing is written outside ``bench/``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV = BENCH / ".venv"
TENSORBOARD_SPEC = "tensorboard==2.21.*"


def venv_python(root: Path = VENV) -> Path:
    return root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def telescope_requirements() -> list[str]:
    with open(REPO / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    return list(project["dependencies"])


def check(python: Path | None = None) -> list[str]:
    """What is missing from the environment (empty when it is complete)."""
    python = python or venv_python()
    if not python.exists():
        return [f"{python} does not exist"]
    probe = (
        "import importlib.util, shutil, sys\n"
        "missing = [m for m in ('tensorboard', 'tensorboard_data_server', 'psutil', 'httpx', 'numpy',"
        " 'google.protobuf', 'crc32c', 'fastapi', 'uvicorn', 'platformdirs') if importlib.util.find_spec(m) is None]\n"
        "print('\\n'.join(missing))\n"
    )
    out = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return [f"{python} does not run: {out.stderr.strip()}"]
    return [f"module {m} is not installed" for m in out.stdout.split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report whether bench/.venv is complete")
    args = parser.parse_args(argv)

    if args.check:
        missing = check()
        for m in missing:
            print(m)
        print("bench/.venv is complete" if not missing else "run: python bench/setup_env.py")
        return 1 if missing else 0

    if not venv_python().exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    py = str(venv_python())
    pip = [py, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    reqs = [TENSORBOARD_SPEC, *telescope_requirements()]
    print("installing: " + ", ".join(reqs) + " and bench/requirements.txt", flush=True)
    subprocess.run([*pip, *reqs, "-r", str(BENCH / "requirements.txt")], check=True)
    missing = check()
    if missing:
        print("bench/.venv is still incomplete:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    version = subprocess.run(
        [py, "-c", "import tensorboard, tensorboard_data_server as d; print(tensorboard.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"bench/.venv is ready (tensorboard {version}). Run: {py} bench/run.py --size S")
    return 0


if __name__ == "__main__":
    sys.exit(main())
