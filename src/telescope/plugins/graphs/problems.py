"""What is wrong with an op graph, found before it is drawn: inputs naming no node, malformed input strings, nodes
without a name or an op, names used twice, and cycles over data edges.

Sits between reading a stored ``GraphDef`` (query) and turning it into JSON nodes (nodes): a graph written by a
buggy exporter, a hand-built one or a truncated one should still be shown as far as it can be, with its problems
listed. Nodes without a name get a synthetic one, ``(unnamed <i>)`` for node ``i``, and the second and later
nodes of a name get a suffix, ``<name> (2)``, so every node can be drawn and picked; inputs that name a node
used twice keep meaning its first node, as TensorFlow would have it (it refuses such a graph). Cycles are looked
for over data edges only, and edges out of ``NextIteration`` ops are left out: they are how TensorFlow's while
loops feed the next iteration, not mistakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telescope.tfrecord.proto import graph_pb2

__all__ = ["MAX_PROBLEMS", "GraphCheck", "check_graph", "input_node"]

MAX_PROBLEMS = 1000  # problems listed in one answer; the rest are counted
_CYCLE_NAMES = 8  # nodes named in a cycle's message
# Ops whose output edges close a loop on purpose (TensorFlow's while loops).
LOOP_BACK_OPS = frozenset({"NextIteration", "RefNextIteration"})


@dataclass
class GraphCheck:
    """The names to draw the nodes under (``names[i]`` for node ``i``), the problems found (at most
    :data:`MAX_PROBLEMS`) and how many more there were."""

    names: list[str]
    problems: list[dict[str, Any]] = field(default_factory=list)
    omitted: int = 0

    def add(self, kind: str, node: str | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"kind": kind, "node": node, "message": message})
        else:
            self.omitted += 1


def input_node(text: str) -> tuple[str, bool, str | None]:
    """The node an input string names, whether it is a control input, and what is wrong with the string (None
    when nothing). ``node``, ``node:k`` (output k), ``^node`` (control) and, in function bodies,
    ``node:output:k``."""
    control = text.startswith("^")
    name = text[1:] if control else text
    if not name:
        return "", control, "an empty input"
    if ":" not in name:
        return name, control, None
    node, _, port = name.partition(":")
    if not node:
        return node, control, f"input {text!r} names no node"
    if control:
        return node, control, f"control input {text!r} names an output ({port!r}); a control input names a node"
    index = port.rpartition(":")[2]
    if not index.isdigit():
        return node, control, f"input {text!r} has output index {index!r}, not a number"
    return node, control, None


def check_graph(graph: graph_pb2.GraphDef, inputs: Sequence[Sequence[str]] | None = None) -> GraphCheck:
    """The problems of ``graph`` (its top level; function bodies name their arguments as inputs and are not
    checked) and the names its nodes are drawn under. ``inputs``: each node's inputs, when the caller has them
    as lists already (reading them from the message again costs as much as the rest of the check)."""
    nodes = graph.node
    names = [n.name for n in nodes]
    if inputs is None:
        inputs = [n.input for n in nodes]
    check = GraphCheck(names)
    index: dict[str, int] = {}  # name → its first node: what inputs naming it mean
    for i, name in enumerate(names):
        if name and name not in index:
            index[name] = i
    taken = set(index)  # names shown: a new name must be none of these
    uses: dict[str, int] = {}
    for i, name in enumerate(names):
        if name and index[name] == i:
            continue
        op = nodes[i].op or "?"
        if not name:
            new = _free(f"(unnamed {i})", taken)
            message = f"Node {i} (op {op}) has no name; it is shown as {new!r}."
            check.add("empty_name", new, message)
        else:
            uses[name] = uses.get(name, 1) + 1
            new = _free(f"{name} ({uses[name]})", taken)
            message = (
                f"Node {i} (op {op}) has the name {name!r} of node {index[name]}; it is shown as {new!r}, and "
                f"inputs naming {name!r} go to node {index[name]}."
            )
            check.add("duplicate_name", new, message)
        names[i] = new
        taken.add(new)
    ordered = True  # every data input names an earlier node: then there can be no cycle
    for i, node in enumerate(nodes):
        if not node.op:
            check.add("empty_op", names[i], f"Node {names[i]!r} has no op.")
        for text in inputs[i]:
            j = index.get(text)  # most inputs are a plain node name: no need to take them apart
            if j is not None:
                if j >= i:
                    ordered = False
                continue
            source, control, bad = input_node(text)
            if bad is not None:
                check.add("bad_input", names[i], f"Node {names[i]!r}: {bad}.")
                if not source:
                    continue
            j = index.get(source)
            if j is None:
                check.add(
                    "missing_input",
                    names[i],
                    f"Node {names[i]!r} takes input {text!r}, but no node is named {source!r}.",
                )
            elif not control and j >= i:
                ordered = False
    if not ordered:
        for cycle in _cycles(nodes, inputs, index):
            if len(cycle) == 1:
                name = names[cycle[0]]
                check.add("cycle", name, f"Node {name!r} takes its own output as input: a cycle over data edges.")
                continue
            shown = " → ".join(names[k] for k in cycle[:_CYCLE_NAMES])
            more = f" → … ({len(cycle) - _CYCLE_NAMES} more)" if len(cycle) > _CYCLE_NAMES else ""
            check.add(
                "cycle",
                names[cycle[0]],
                f"Nodes {shown}{more} → {names[cycle[0]]} form a cycle over data edges.",
            )
    return check


def _free(name: str, taken: set[str]) -> str:
    """``name``, or ``name`` with a further suffix when a node already has it."""
    k, candidate = 2, name
    while candidate in taken:
        candidate = f"{name} ({k})"
        k += 1
    return candidate


def _cycles(
    nodes: Sequence[graph_pb2.NodeDef], inputs: Sequence[Sequence[str]], index: dict[str, int]
) -> list[list[int]]:
    """One cycle (node indices, in edge order) per strongly connected group of nodes over data edges, leaving
    out edges from loop-back ops. Iterative Tarjan: a deep chain of nodes must not hit Python's recursion limit."""
    n = len(nodes)
    succ: list[list[int]] = [[] for _ in range(n)]  # edges go from an input's node to the node taking it
    for i, texts in enumerate(inputs):
        for text in texts:
            j = index.get(text)
            if j is None:
                source, control, _ = input_node(text)
                j = None if control else index.get(source)
            if j is not None and nodes[j].op not in LOOP_BACK_OPS:
                succ[j].append(i)
    order = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    groups: list[list[int]] = []
    counter = 0
    for root in range(n):
        if order[root] != -1:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, 0)]
        while work:
            v, k = work[-1]
            if k < len(succ[v]):
                work[-1] = (v, k + 1)
                w = succ[v][k]
                if order[w] == -1:
                    order[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], order[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == order[v]:
                group = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1 or v in succ[v]:
                    groups.append(group)
    return sorted((_cycle_in(group, succ) for group in groups), key=lambda c: c[0])


def _cycle_in(group: list[int], succ: list[list[int]]) -> list[int]:
    """A shortest cycle through the group's first node (in graph order): breadth-first search inside the group
    until an edge leads back to it."""
    members = set(group)
    start = min(group)
    parent: dict[int, int] = {}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in succ[v]:
                if w == start:
                    back = []
                    while v != start:
                        back.append(v)
                        v = parent[v]
                    return [start, *reversed(back)]
                if w in members and w not in parent:
                    parent[w] = v
                    following.append(w)
        frontier = following
    return [start]  # not reached: a strongly connected group has a cycle through each of its nodes
