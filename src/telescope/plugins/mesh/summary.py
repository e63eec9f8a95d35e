"""Writer side of the mesh kind: one ``Summary`` holding a 3-D mesh or point cloud (docs/event-format §6.11).

A pure function called by ``SummaryWriter.add_mesh``. Each part gets the dtype TensorBoard's own mesh summary
writes (``torch.utils.tensorboard`` writes all three as floats): vertices ``DT_FLOAT``, faces ``DT_INT32``
(vertex indices), colors ``DT_UINT8`` (RGB, 0-255).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt

from telescope.plugins.mesh import metadata
from telescope.plugins.values import as_numpy, tensor_proto
from telescope.tfrecord.proto import summary_pb2

__all__ = ["mesh"]


def _part(name: str, x: Any) -> npt.NDArray[Any]:
    arr = as_numpy(x)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"mesh {name} must have shape [B, N, 3], got {list(arr.shape)}")
    return arr


def _integers(name: str, arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"mesh {name} must be finite numbers")
        rounded: npt.NDArray[Any] = np.rint(arr)
        return rounded
    if arr.dtype.kind not in "biu":
        raise ValueError(f"mesh {name} must be numbers, got dtype {arr.dtype}")
    return arr


def mesh(
    tag: str,
    vertices: Any,
    colors: Any,
    faces: Any,
    config_dict: dict[str, Any] | None,
    display_name: str | None = None,
    description: str | None = None,
) -> summary_pb2.Summary:
    """Up to three values ``<tag>_VERTEX``, ``<tag>_FACE``, ``<tag>_COLOR`` for one mesh.

    ``vertices`` ``[B, N, 3]`` xyz coordinates (required); ``colors`` ``[B, N, 3]`` RGB per vertex, 0-255
    (floats are rounded, values outside 0-255 clipped); ``faces`` ``[B, F, 3]`` vertex indices of triangles;
    ``config_dict`` three.js settings (camera, lights, material) stored as JSON. ``colors`` and ``faces`` may
    be ``None`` (a point cloud).
    """
    if vertices is None:
        raise ValueError("a mesh needs vertices")
    parts: list[tuple[int, npt.NDArray[Any]]] = []
    vertex_arr = _part("vertices", vertices)
    parts.append((metadata.VERTEX, vertex_arr.astype(np.float32, copy=False)))
    if faces is not None:
        face_arr = _integers("faces", _part("faces", faces))
        if face_arr.size and (face_arr.min() < 0 or face_arr.max() >= vertex_arr.shape[1]):
            raise ValueError(f"mesh faces must index vertices 0..{vertex_arr.shape[1] - 1}")
        parts.append((metadata.FACE, face_arr.astype(np.int32)))
    if colors is not None:
        color_arr = _integers("colors", _part("colors", colors))
        if color_arr.shape != vertex_arr.shape:
            raise ValueError(
                f"mesh colors {list(color_arr.shape)} must have the vertices' shape {list(vertex_arr.shape)}"
            )
        parts.append((metadata.COLOR, np.clip(color_arr, 0, 255).astype(np.uint8)))
    json_config = "{}" if config_dict is None else json.dumps(config_dict, sort_keys=True)
    components = metadata.components_bitmask(content_type for content_type, _ in parts)
    values = [
        summary_pb2.Summary.Value(
            tag=metadata.instance_tag(tag, content_type),
            metadata=metadata.create_metadata(
                tag,
                content_type,
                components=components,
                shape=arr.shape,
                json_config=json_config,
                display_name=display_name or "",
                description=description or "",
            ),
            tensor=tensor_proto(arr),
        )
        for content_type, arr in parts
    ]
    return summary_pb2.Summary(value=values)
