"""The embeddings kind reads projector files, not events: configs found where TensorBoard looks, paths that
escape refused with a reason, TSV and raw float32 tensors, the metadata header rule, and size limits."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from telescope.errors import BadRequest, NotFound
from telescope.ingest import Ingester
from telescope.plugins.embeddings import files
from telescope.plugins.embeddings.decode import decode
from telescope.plugins.embeddings.query import list_embeddings, read_frame, read_labels, read_sprite, read_tensor
from telescope.store import Store
from telescope.tfrecord.proto import summary_pb2
from tests.helpers import scalar_event, version_event, write_events


def make_run(root: Path, run: str) -> Path:
    d = root / run
    write_events(d / "events.out.tfevents.1", version_event(), scalar_event("loss", 0, 1.0))
    return d


def config(*entries: str) -> str:
    return "".join(f"embeddings {{ {e} }}\n" for e in entries)


def ingest(root: Path, tmp_path: Path) -> Store:
    store = Store(tmp_path / "index.sqlite", logdir=str(root))
    Ingester(root, store).poll_once()
    return store


def test_decode_refuses_event_data() -> None:
    with pytest.raises(ValueError, match=r"projector_config\.pbtxt"):
        decode(summary_pb2.Summary.Value(tag="x", simple_value=1.0))


def test_configs_in_runs_plugin_assets_and_the_logdir_itself(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    a = make_run(root, "a")
    (a / "v.tsv").write_text("1\t2\n3\t4\n\n5\t6\n")
    (a / "projector_config.pbtxt").write_text(config('tensor_name: "va" tensor_path: "v.tsv"'))
    b = make_run(root, "b")
    assets = b / "plugins" / "org_tensorflow_tensorboard_projector"
    assets.mkdir(parents=True)
    (assets / "w.tsv").write_text("0.5\n0.25\n")
    (assets / "projector_config.pbtxt").write_text(config('tensor_path: "w.tsv"'))  # no name: the file's
    (root / "top.tsv").write_text("7\t8\t9\n")
    (root / "projector_config.pbtxt").write_text(config('tensor_name: "top" tensor_path: "top.tsv"'))
    (root / "c").mkdir()
    (root / "c" / "projector_config.pbtxt").write_text(config('tensor_name: "x" tensor_path: "x.tsv"'))  # no run
    store = ingest(root, tmp_path)
    found, problems = list_embeddings(store)
    assert problems == []
    assert [(e.run, e.tensor_name, e.shape, e.tensor_format) for e in found] == [
        ("a", "va", (3, 2), "tsv"),
        ("b", "w.tsv", (2, 1), "tsv"),
        (".", "top", (1, 3), "tsv"),
    ]
    np.testing.assert_array_equal(read_tensor(store, run="a", name="va"), [[1, 2], [3, 4], [5, 6]])
    assert read_tensor(store, run="a", name="va").dtype == np.float32
    np.testing.assert_array_equal(read_tensor(store, run="a", name="va", num_rows=2), [[1, 2], [3, 4]])


def test_paths_that_escape_are_refused_with_a_reason(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    run = make_run(root, "r")
    outside = tmp_path / "secret.tsv"
    outside.write_text("1\t2\n")
    (run / "link.tsv").symlink_to(outside)
    (run / "ok.tsv").write_text("1\t2\n")
    (run / "projector_config.pbtxt").write_text(
        config(
            'tensor_name: "up" tensor_path: "../r/../../secret.tsv"',
            f'tensor_name: "abs" tensor_path: "{outside}"',
            'tensor_name: "home" tensor_path: "~/secret.tsv"',
            'tensor_name: "link" tensor_path: "link.tsv"',
            'tensor_name: "missing" tensor_path: "nope.tsv"',
            'tensor_name: "ckpt"',
            'tensor_name: "bad_meta" tensor_path: "ok.tsv" metadata_path: "../../secret.tsv"',
        )
    )
    store = ingest(root, tmp_path)
    found, _ = list_embeddings(store)
    reasons = {e.tensor_name: " | ".join(e.problems) for e in found}
    assert "goes up with '..'" in reasons["up"]
    assert "absolute path" in reasons["abs"] and "absolute path" in reasons["home"]
    assert "symbolic link" in reasons["link"] and "outside the logdir" in reasons["link"]
    assert "does not exist" in reasons["missing"]
    assert "TF checkpoint" in reasons["ckpt"]
    assert reasons["bad_meta"].startswith("metadata:")
    for name in ("up", "abs", "link", "ckpt"):
        with pytest.raises(BadRequest) as err:
            read_tensor(store, run="r", name=name)
        assert err.value.code == "bad_embedding"
    with pytest.raises(BadRequest, match="goes up"):
        read_labels(store, run="r", name="bad_meta")
    with pytest.raises(NotFound):
        read_tensor(store, run="r", name="nothing")


def test_raw_float32_tensors(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    run = make_run(root, "r")
    values = np.arange(12, dtype="<f4").reshape(4, 3) + 0.5
    (run / "t.bytes").write_bytes(b"\xff" + values.tobytes()[1:])  # not UTF-8 from its first byte
    (run / "u.bytes").write_bytes(values.tobytes())
    (run / "projector_config.pbtxt").write_text(
        config(
            'tensor_name: "raw" tensor_path: "u.bytes" tensor_shape: 4 tensor_shape: 3',
            'tensor_name: "unshaped" tensor_path: "u.bytes"',
            'tensor_name: "wrong" tensor_path: "u.bytes" tensor_shape: 5 tensor_shape: 3',
        )
    )
    store = ingest(root, tmp_path)
    found = {e.tensor_name: e for e in list_embeddings(store)[0]}
    assert (found["raw"].tensor_format, found["raw"].shape, found["raw"].tensor_bytes) == ("binary", (4, 3), 48)
    np.testing.assert_array_equal(read_tensor(store, run="r", name="raw"), values)
    assert "tensor_shape must give [N, D]" in found["unshaped"].problems[0]
    assert "holds 48 bytes, not 5x3x4" in found["wrong"].problems[0]


def test_huge_tensor_file_is_listed_without_loading_it(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    run = make_run(root, "r")
    with open(run / "big.bytes", "wb") as f:  # 2 GB, sparse: costs no disk
        f.truncate(2 * 1024**3)
    rows = 2 * 1024**3 // (4 * 256)
    (run / "projector_config.pbtxt").write_text(
        config(f'tensor_name: "big" tensor_path: "big.bytes" tensor_shape: {rows} tensor_shape: 256')
    )
    store = ingest(root, tmp_path)
    tracemalloc.start()
    (e,) = list_embeddings(store)[0]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert e.shape == (rows, 256) and peak < 1 << 20
    with pytest.raises(BadRequest, match="ask for fewer rows"):
        read_tensor(store, run="r", name="big")
    assert read_tensor(store, run="r", name="big", num_rows=10).shape == (10, 256)


def test_tsv_shape_is_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_CHUNK", 1 << 16)
    path = tmp_path / "t.tsv"
    line = "\t".join(["0.123456"] * 50) + "\n"
    path.write_text(line * 20_000)  # about 9 MB
    tracemalloc.start()
    shape = files.tsv_shape(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert shape == (20_000, 50)
    assert peak < path.stat().st_size // 20


def test_metadata_header_rule_and_frame(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    run = make_run(root, "r")
    (run / "v.tsv").write_text("1\n2\n3\n")
    (run / "one.tsv").write_text("cat\n\ndog\n\n")  # one column: no header; an empty label is a point
    (run / "two.tsv").write_text("name\tkind\ncat\tpet\nwolf\twild\nfox\n")
    (run / "s.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (run / "projector_config.pbtxt").write_text(
        config(
            'tensor_name: "one" tensor_path: "v.tsv" metadata_path: "one.tsv" sprite { image_path: "s.png" '
            "single_image_dim: 4 single_image_dim: 4 }",
            'tensor_name: "two" tensor_path: "v.tsv" metadata_path: "two.tsv"',
            'tensor_name: "none" tensor_path: "v.tsv"',
        )
    )
    store = ingest(root, tmp_path)
    one = read_labels(store, run="r", name="one")
    assert one.columns is None and one.rows == [["cat"], [""], ["dog"]]
    two = read_labels(store, run="r", name="two")
    assert two.columns == ["name", "kind"] and two.rows == [["cat", "pet"], ["wolf", "wild"], ["fox"]]
    assert read_labels(store, run="r", name="two", num_rows=1).rows == [["cat", "pet"]]
    with pytest.raises(NotFound):
        read_labels(store, run="r", name="none")
    assert read_sprite(store, run="r", name="one") == b"\x89PNG\r\n\x1a\nfake"
    df = read_frame(store)
    assert list(df.columns) == ["run", "tensor_name", "tensors", "metadata", "sprite"]
    rows = {r.tensor_name: r for r in df.itertuples(index=False)}
    assert rows["one"].metadata == ["cat", "", "dog"] and rows["one"].sprite.startswith(b"\x89PNG")
    assert rows["two"].metadata.to_dict("list") == {"name": ["cat", "wolf", "fox"], "kind": ["pet", "wild", ""]}
    assert rows["none"].metadata is None and rows["none"].sprite is None
    np.testing.assert_array_equal(rows["none"].tensors, [[1], [2], [3]])


def test_unreadable_config_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    run = make_run(root, "r")
    (run / "projector_config.pbtxt").write_text("embeddings { tensor_name: ")
    store = ingest(root, tmp_path)
    found, problems = list_embeddings(store)
    assert found == [] and len(problems) == 1 and problems[0].startswith("r/projector_config.pbtxt: not a projector")
