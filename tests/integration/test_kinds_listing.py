"""Core listings speak of kinds, not of the plugin names inside event files: a Keras model graph is a graph,
embeddings named by projector files count although nothing of them is in the index."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_runs_status_and_tags_name_kinds(fixture_logdir: Callable[[str], Path], app_client: Any) -> None:
    client = app_client(fixture_logdir("keras_dev"))
    runs = {r["name"]: r["kinds"] for r in client.get("/api/runs").json()["runs"]}
    train = next(name for name in runs if name.endswith("/train"))
    assert "graphs" in runs[train] and "graph_keras_model" not in runs[train]
    assert {"scalars", "histograms", "images"} <= set(runs[train])

    kinds = client.get("/api/status").json()["kinds"]
    assert kinds["graphs"] >= 2  # the Keras model config, the op graph and the traced function graph
    assert "graph_keras_model" not in kinds

    graph_tags = {t["tag"] for t in client.get("/api/tags", params={"kind": "graphs"}).json()["tags"]}
    assert {"keras", "__run_graph__"} <= graph_tags


def test_embeddings_count_and_enable_the_projector(fixture_logdir: Callable[[str], Path], app_client: Any) -> None:
    client = app_client(fixture_logdir("torch_dev"))
    assert client.get("/api/status").json()["kinds"]["embeddings"] == 2  # two add_embedding calls
    listing = client.get("/data/plugins_listing").json()
    assert listing["projector"]["enabled"] is True
    assert listing["graphs"]["enabled"] is True

    empty = app_client(fixture_logdir("edge_dev") / "nan_inf")
    assert "embeddings" not in empty.get("/api/status").json()["kinds"]
    assert empty.get("/data/plugins_listing").json()["projector"]["enabled"] is False


def test_the_api_schema_is_complete_and_unambiguous(fixture_logdir: Callable[[str], Path], app_client: Any) -> None:
    client = app_client(fixture_logdir("torch_dev"))
    schema = client.get("/api/openapi.json").json()  # warnings (duplicate operation ids) fail the test run
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    for kind in ("histograms", "images", "audio", "text", "pr_curves", "hparams", "graphs", "embeddings"):
        assert any(path.startswith(f"/api/{kind}") for path in schema["paths"]), kind
