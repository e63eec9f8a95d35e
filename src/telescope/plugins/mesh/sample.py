"""Sample data for the plugin contract suite: a coloured tetrahedron and a point cloud, read back through the
query layer as meshes by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telescope.store import Store

# A tetrahedron with a colour per vertex, and a point cloud.
_VERTICES = [[[1.0, 1.0, 1.0], [-1.0, -1.0, 1.0], [-1.0, 1.0, -1.0], [1.0, -1.0, -1.0]]]
_FACES = [[[0, 1, 2], [0, 2, 3], [0, 3, 1], [1, 3, 2]]]
_COLORS = [[[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 200, 0]]]
_POINTS = [[[0.5, 0.25, -0.125], [1.5, 2.5, 3.5]]]
_CONFIG = {"material": {"cls": "PointsMaterial", "size": 0.1}}


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """A coloured tetrahedron at two steps and a point cloud with a config, written with the writer; reading gives
    each mesh by name with its parts in their own types."""
    from telescope.writer import SummaryWriter

    with SummaryWriter(log_dir / "run") as w:
        for step in (0, 5):
            w.add_mesh("sample/tetra", _VERTICES, colors=_COLORS, faces=_FACES, global_step=step, walltime=1e9)
        w.add_mesh("sample/points", _POINTS, config_dict=_CONFIG, global_step=2, walltime=1e9)
    tetra: tuple[Any, ...] = (("float32", _VERTICES), ("int32", _FACES), ("uint8", _COLORS), {})
    return {
        ("run", "sample/points"): [(2, (("float32", _POINTS), None, None, _CONFIG))],
        ("run", "sample/tetra"): [(0, tetra), (5, tetra)],
    }


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.mesh.query import mesh_groups, read_group

    def part(arr: Any) -> Any:
        return None if arr is None else (str(arr.dtype), arr.tolist())

    out: dict[Any, Any] = {}
    for group in mesh_groups(store):
        s = read_group(store, group)
        out[(s.run, s.tag)] = [
            (step, (part(s.vertices[i]), part(s.faces[i]), part(s.colors[i]), s.config))
            for i, step in enumerate(s.steps.tolist())
        ]
    return out
