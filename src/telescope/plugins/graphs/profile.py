"""Step stats (a profiled step's compute time and memory per node) laid onto the nodes of a graph.

Sits between reading a stored ``RunMetadata`` (query) and the graph view's JSON (view): TensorBoard's "Session
runs" choice colours an op graph by the step stats of one of the run's profiles; this module finds, for each
node of the graph, what the step stats say of it.

Matching follows TensorBoard's graph viewer: a ``NodeExecStats.node_name`` is looked up as it is; names that
carry an output or an op after a colon (``MatMul:0``, ``conv/Conv2D:Conv2D`` in GPU stream traces) are looked up
without it. A node that ran on several devices, or has several entries, gets the span from its earliest start
to its latest end as its compute time, the largest memory any one entry allocated, and the device of its last
entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from telescope.tfrecord.proto import run_metadata_pb2

__all__ = ["NodeStats", "has_node_stats", "node_stats"]


class NodeStats(TypedDict):
    """What the graph view shows of one node's run: ``compute_micros`` from its first start to its last end,
    ``memory_bytes`` allocated, and the ``device`` it ran on."""

    compute_micros: int
    memory_bytes: int
    device: str


def has_node_stats(rm: run_metadata_pb2.RunMetadata) -> bool:
    """Whether ``rm`` times any node (PyTorch's ``add_graph`` writes step stats that name one device and no node)."""
    return any(len(d.node_stats) for d in rm.step_stats.dev_stats)


def node_stats(rm: run_metadata_pb2.RunMetadata, nodes: Mapping[str, object]) -> dict[str, NodeStats]:
    """Per node of ``nodes`` (a mapping keyed by node name) that the step stats of ``rm`` name: its stats."""
    spans: dict[str, list[int]] = {}  # name → [start, end, memory]
    devices: dict[str, str] = {}
    for dev in rm.step_stats.dev_stats:
        for n in dev.node_stats:
            name = n.node_name
            if name not in nodes:
                name = name.partition(":")[0]
                if name not in nodes:
                    continue
            memory = sum(m.total_bytes for m in n.memory if m.total_bytes > 0)
            start = n.all_start_micros
            # Writers that fill only the op's own end (all_end_rel_micros left 0) still timed the node.
            end = start + max(n.all_end_rel_micros, n.op_end_rel_micros, 0)
            span = spans.get(name)
            if span is None:
                spans[name] = [start, end, memory]
            else:
                span[0] = min(span[0], start)
                span[1] = max(span[1], end)
                span[2] = max(span[2], memory)
            devices[name] = dev.device
    return {
        name: {"compute_micros": end - start, "memory_bytes": memory, "device": devices[name]}
        for name, (start, end, memory) in spans.items()
    }
