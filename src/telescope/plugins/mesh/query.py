"""Pure read functions for the mesh kind (no HTTP): the parts of each mesh grouped by its name, every step.

Query stage. The store has one series per part (``<name>_VERTEX``, ``<name>_FACE``, ``<name>_COLOR``, or
tensorboardX's ``<name>_1/_2/_3``); readers want one mesh per name. The name, the part and the three.js settings
(``json_config``) come from the ``MeshPluginData`` of each series' first value, or from the tag when that is
missing. A step of a mesh is a batch of ``B`` meshes: ``vertices`` ``[B, N, 3]`` float32, ``faces`` ``[B, F, 3]``
int32 (vertex indices), ``colors`` ``[B, N, 3]`` uint8; a point cloud has no faces, a plain mesh no colors.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from telescope.errors import NotFound
from telescope.plugins.mesh.decode import part_from_tag
from telescope.plugins.mesh.metadata import ALL_COMPONENTS, COLOR, FACE, PLUGIN_NAME, VERTEX, parse_plugin_data
from telescope.plugins.series import raise_unknown, records_frame
from telescope.query import read_tensor_series_many
from telescope.store import SeriesRow, Store

if TYPE_CHECKING:
    import pandas as pd

PART_NAMES = {VERTEX: "vertices", FACE: "faces", COLOR: "colors"}


@dataclass(frozen=True)
class Part:
    """One part's series and what its metadata says."""

    row: SeriesRow
    content_type: int
    json_config: str
    shape: tuple[int, ...]
    components: int


@dataclass(frozen=True)
class MeshGroup:
    """The parts of one mesh (by name) in one run."""

    run: str
    name: str
    parts: dict[int, Part] = field(default_factory=dict)

    @property
    def json_config(self) -> str:
        part = self.parts.get(VERTEX) or next(iter(self.parts.values()))
        return part.json_config

    @property
    def components(self) -> int:
        return max(p.components for p in self.parts.values())


@dataclass(frozen=True)
class MeshSeries:
    """Every visible step of one mesh: ``vertices[i]`` (and ``faces[i]``, ``colors[i]`` when the mesh has them,
    else None) belong to ``steps[i]``; ``config`` is the parsed three.js settings."""

    run: str
    tag: str
    steps: npt.NDArray[np.int64]
    wall_times: npt.NDArray[np.float64]
    vertices: list[npt.NDArray[np.float32]]
    faces: list[npt.NDArray[np.int32] | None]
    colors: list[npt.NDArray[np.uint8] | None]
    config: Any

    def part(self, content_type: int) -> list[npt.NDArray[Any] | None]:
        """The arrays of one part (VERTEX, FACE or COLOR), one per step."""
        if content_type == VERTEX:
            return list(self.vertices)
        return list(self.faces if content_type == FACE else self.colors)


def _series_contents(store: Store, rows: Sequence[SeriesRow]) -> dict[int, bytes]:
    """The plugin content of each series' first value, by series id."""
    return {r.id: r.content for r in rows}


def _part(row: SeriesRow, content: bytes) -> tuple[str, Part] | None:
    from_tag = part_from_tag(row.tag)
    try:
        data = parse_plugin_data(content) if content else None
    except ValueError:
        data = None
    if data is not None and data.name and data.content_type in PART_NAMES:
        part = Part(row, int(data.content_type), data.json_config, tuple(data.shape), int(data.components))
        return data.name, part
    if from_tag is None:
        return None
    name, content_type = from_tag
    return name, Part(row, content_type, "{}", (), ALL_COMPONENTS)


def mesh_groups(store: Store, *, run: str | None = None) -> list[MeshGroup]:
    """The meshes of ``run`` (all runs when None), ordered by run then name. Series that name no part are left
    out (they could not have been decoded either)."""
    rows = store.list_series(plugin=PLUGIN_NAME, run=run)
    contents = _series_contents(store, rows)
    groups: dict[tuple[str, str], MeshGroup] = {}
    for row in rows:
        found = _part(row, contents.get(row.id, b""))
        if found is None:
            continue
        name, part = found
        group = groups.setdefault((row.run, name), MeshGroup(row.run, name))
        group.parts.setdefault(part.content_type, part)
    return [groups[k] for k in sorted(groups)]


def mesh_group(store: Store, *, run: str, tag: str) -> MeshGroup:
    """The mesh named ``tag`` in ``run``; NotFound (``unknown_run`` / ``unknown_tag``) when there is none."""
    for group in mesh_groups(store, run=run):
        if group.name == tag:
            return group
    raise_unknown(store, run=run, message=f"No mesh {tag!r} in run {run!r}.")


def parse_config(json_config: str) -> Any:
    """The three.js settings as JSON values (the raw string if it is not JSON)."""
    try:
        return json.loads(json_config) if json_config else None
    except ValueError:
        return json_config


def read_group(store: Store, group: MeshGroup, *, step: int | None = None) -> MeshSeries:
    """Every step of one mesh (only ``step`` when given). The steps are those of its vertices; a part missing at a
    step is None there."""
    order = [ct for ct in (VERTEX, FACE, COLOR) if ct in group.parts]
    series = read_tensor_series_many(store, [group.parts[ct].row for ct in order], min_step=step, max_step=step)
    by_type = dict(zip(order, series, strict=True))
    # A mesh without a vertex series (malformed) is shown by its first part's steps, without vertices.
    lead = by_type.get(VERTEX) or series[0]
    at_step: dict[int, dict[int, npt.NDArray[Any]]] = {
        ct: dict(zip(s.steps.tolist(), s.values, strict=True)) for ct, s in by_type.items()
    }
    steps = lead.steps.tolist()
    empty = np.zeros((0, 0, 3), dtype=np.float32)
    return MeshSeries(
        run=group.run,
        tag=group.name,
        steps=lead.steps,
        wall_times=lead.wall_times,
        vertices=[at_step.get(VERTEX, {}).get(st, empty) for st in steps],
        faces=[at_step[FACE].get(st) if FACE in at_step else None for st in steps],
        colors=[at_step[COLOR].get(st) if COLOR in at_step else None for st in steps],
        config=parse_config(group.json_config),
    )


def read_mesh(store: Store, *, run: str, tag: str, step: int | None = None) -> MeshSeries:
    """Every step of mesh ``tag`` in ``run`` (or one ``step``; NotFound when the mesh has no such step)."""
    s = read_group(store, mesh_group(store, run=run, tag=tag), step=step)
    if step is not None and not len(s.steps):
        raise NotFound(f"No mesh {tag!r} at step {step} in run {run!r}.")
    return s


def read_frame(store: Store) -> pd.DataFrame:
    """Every mesh as rows ``run, tag, step, wall_time, vertices, faces, colors, config`` (``tag`` is the mesh name;
    ``faces``/``colors`` None when the mesh has none), ordered by run, tag, step."""
    records: list[dict[str, Any]] = []
    for group in mesh_groups(store):
        s = read_group(store, group)
        for i, (step, wall_time) in enumerate(zip(s.steps.tolist(), s.wall_times.tolist(), strict=True)):
            records.append(
                {
                    "run": s.run,
                    "tag": s.tag,
                    "step": step,
                    "wall_time": wall_time,
                    "vertices": s.vertices[i],
                    "faces": s.faces[i],
                    "colors": s.colors[i],
                    "config": s.config,
                }
            )
    columns = ["run", "tag", "step", "wall_time", "vertices", "faces", "colors", "config"]
    return records_frame(records, columns)
