"""Embeddings over HTTP: ``add_embedding`` with our SummaryWriter → projector files → the embeddings routes,
TensorBoard's projector endpoints and read_embeddings."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import telescope
from telescope import SummaryWriter

VECTORS = np.random.default_rng(3).normal(size=(9, 5)).astype(np.float32)
LABELS = [[i, "big" if i > 4 else "small"] for i in range(9)]


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    thumbs = np.zeros((9, 3, 4, 4), dtype=np.float32)
    thumbs[:, 0] = np.linspace(0, 1, 9)[:, None, None]
    with SummaryWriter(root / "run") as w:
        w.add_scalar("loss", 0.5, 0)
        w.add_embedding(VECTORS, metadata=LABELS, metadata_header=["n", "size"], label_img=thumbs, tag="points/a")
        w.add_embedding(VECTORS[:, :2], metadata=[str(i) for i in range(9)], global_step=7, tag="flat")
    escape = root / "run" / "plugins" / "org_tensorflow_tensorboard_projector"
    escape.mkdir(parents=True)
    (escape / "projector_config.pbtxt").write_text('embeddings { tensor_name: "evil" tensor_path: "../../../../x" }\n')
    return root


def test_listing(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/embeddings").json()
    by_name = {e["tensor_name"]: e for e in body["embeddings"]}
    assert set(by_name) == {"points/a:00000", "flat:00007", "evil"}
    a = by_name["points/a:00000"]
    assert a["shape"] == [9, 5] and a["tensor_format"] == "tsv" and a["problems"] == []
    assert a["tensor_path"] == "00000/points%2fa/tensors.tsv"
    assert a["sprite"] == {"image_path": "00000/points%2fa/sprite.png", "single_image_dim": [4, 4]}
    assert by_name["evil"]["shape"] is None and "goes up with '..'" in by_name["evil"]["problems"][0]


def test_tensor_binary_and_json(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    params = {"run": "run", "name": "points/a:00000"}
    r = client.get("/api/embeddings/tensor", params=params)
    assert r.headers["x-tensor-shape"] == "9,5" and r.headers["content-type"] == "application/octet-stream"
    np.testing.assert_allclose(np.frombuffer(r.content, dtype="<f4").reshape(9, 5), VECTORS, rtol=1e-6)
    j = client.get("/api/embeddings/tensor", params={**params, "format": "json", "num_rows": 2}).json()
    assert j["shape"] == [2, 5]
    np.testing.assert_allclose(j["values"], VECTORS[:2], rtol=1e-6)


def test_metadata_and_sprite(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    meta = client.get("/api/embeddings/metadata", params={"run": "run", "name": "points/a:00000"}).json()
    assert meta["columns"] == ["n", "size"] and meta["rows"] == [[str(i), s] for i, s in LABELS]
    flat = client.get("/api/embeddings/metadata", params={"run": "run", "name": "flat:00007"}).json()
    assert flat["columns"] is None and flat["rows"] == [[str(i)] for i in range(9)]
    r = client.get("/api/embeddings/sprite", params={"run": "run", "name": "points/a:00000"})
    assert r.headers["content-type"] == "image/png" and r.headers["x-content-type-options"] == "nosniff"
    sprite = np.asarray(Image.open(io.BytesIO(r.content)).convert("RGB"))
    assert sprite.shape == (12, 12, 3)  # 3x3 grid of 4x4 thumbnails
    assert sprite[0, 0, 0] == 0 and sprite[8, 8, 0] == 255  # the first and the last thumbnail


def test_errors_are_json(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    for url, params, status, code in [
        ("/api/embeddings", {"run": "nope"}, 404, "unknown_run"),
        ("/api/embeddings/tensor", {"run": "run", "name": "nope"}, 404, "unknown_embedding"),
        ("/api/embeddings/tensor", {"run": "run", "name": "evil"}, 400, "bad_embedding"),
        ("/api/embeddings/tensor", {"run": "run", "name": "flat:00007", "format": "xml"}, 400, "bad_parameter"),
        ("/api/embeddings/tensor", {"run": "run", "name": "flat:00007", "num_rows": 0}, 400, "bad_parameter"),
        ("/api/embeddings/sprite", {"run": "run", "name": "flat:00007"}, 404, "no_sprite"),
        ("/data/plugin/projector/info", {"run": "nope"}, 404, "unknown_run"),
        ("/data/plugin/projector/tensor", {"run": "run", "name": "evil"}, 400, "bad_embedding"),
    ]:
        r = client.get(url, params=params)
        assert r.status_code == status, (url, params, r.text)
        assert r.json()["error"]["code"] == code
    evil = client.get("/api/embeddings/tensor", params={"run": "run", "name": "evil"}).json()
    assert "'..'" in evil["error"]["message"]


def test_tensorboard_endpoints(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    assert client.get("/data/plugin/projector/runs").json() == ["run"]
    info = client.get("/data/plugin/projector/info", params={"run": "run"}).json()
    names = [e["tensorName"] for e in info["embeddings"]]
    assert names == ["points/a:00000", "flat:00007", "evil"]
    assert info["embeddings"][1]["tensorShape"] == [9, 2]
    text = client.get(
        "/data/plugin/projector/metadata", params={"run": "run", "name": "points/a:00000", "num_rows": 2}
    ).text
    assert text == "n\tsize\n0\tsmall\n1\tsmall\n"  # the header line, then 2 rows
    raw = client.get("/data/plugin/projector/tensor", params={"run": "run", "name": "flat:00007"}).content
    np.testing.assert_allclose(np.frombuffer(raw, dtype="<f4").reshape(9, 2), VECTORS[:, :2], rtol=1e-6)


def test_read_embeddings_api(logdir: Path, tmp_path: Path) -> None:
    df = telescope.read_embeddings(logdir, db=tmp_path / "api.sqlite")
    assert list(df.columns) == ["run", "tensor_name", "tensors", "metadata", "sprite"]
    rows = {r.tensor_name: r for r in df.itertuples(index=False)}
    assert set(rows) == {"points/a:00000", "flat:00007"}  # the one whose files escape is left out
    np.testing.assert_allclose(rows["points/a:00000"].tensors, VECTORS, rtol=1e-6)
    assert rows["points/a:00000"].metadata["size"].tolist() == [s for _, s in LABELS]
    assert rows["flat:00007"].metadata == [str(i) for i in range(9)] and rows["flat:00007"].sprite is None
