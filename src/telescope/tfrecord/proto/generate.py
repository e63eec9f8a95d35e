"""Regenerates the ``*_pb2.py`` modules and their ``.pyi`` stubs from the ``.proto`` files here.

Needs ``grpcio-tools`` (a dev dependency).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent.parent.parent  # the folder that holds the ``telescope`` package


def generate(out_dir: Path) -> list[Path]:
    """Run protoc over every ``.proto`` here, writing modules under ``out_dir``; return their paths."""
    from grpc_tools import protoc

    # grpc_tools ships the well-known types (google/protobuf/struct.proto, used by hparams.proto) beside itself.
    well_known = Path(protoc.__file__).resolve().parent / "_proto"
    protos = sorted(p.relative_to(SRC).as_posix() for p in HERE.glob("*.proto"))
    args = ["protoc", f"-I{SRC}", f"-I{well_known}", f"--python_out={out_dir}", f"--pyi_out={out_dir}", *protos]
    rc = protoc.main(args)
    if rc != 0:
        raise RuntimeError(f"protoc failed with exit code {rc}")
    rel = HERE.relative_to(SRC)
    return sorted([*(out_dir / rel).glob("*_pb2.py"), *(out_dir / rel).glob("*_pb2.pyi")])


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for path in generate(Path(tmp)):
            (HERE / path.name).write_bytes(path.read_bytes())
            print(f"wrote {HERE / path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
