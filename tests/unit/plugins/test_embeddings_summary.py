"""Embedding files: vectors, labels, sprite and the projector config that lists them."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from telescope.plugins.embeddings import metadata
from telescope.plugins.embeddings.summary import sprite_image, write_embedding
from telescope.tfrecord.proto import projector_config_pb2


def _config(log_dir: Path) -> dict[str, projector_config_pb2.EmbeddingInfo]:
    config = metadata.parse_config((log_dir / "projector_config.pbtxt").read_text(encoding="utf-8"))
    return {e.tensor_name: e for e in config.embeddings}


def _tsv(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def test_vectors_labels_and_config(tmp_path: Path) -> None:
    mat = np.random.default_rng(0).random((5, 3)).astype(np.float32)
    write_embedding(tmp_path, mat, metadata=["a", "b", "c", "d", "e"], global_step=12, tag="words")
    folder = tmp_path / "00012" / "words"
    vectors = np.array(_tsv(folder / "tensors.tsv"), dtype=np.float32)
    np.testing.assert_array_equal(vectors, mat)
    # One column: no header line, one label per point.
    assert (folder / "metadata.tsv").read_text(encoding="utf-8") == "a\nb\nc\nd\ne\n"
    (entry,) = _config(tmp_path).values()
    assert entry.tensor_name == "words:00012"
    assert entry.tensor_path == "00012/words/tensors.tsv"
    assert entry.metadata_path == "00012/words/metadata.tsv"
    assert list(entry.tensor_shape) == [5, 3]
    assert not entry.HasField("sprite")


def test_several_label_columns_get_a_header_line(tmp_path: Path) -> None:
    write_embedding(
        tmp_path, np.eye(3), metadata=[["cat", 1], ["dog", 0], ["c\tow", 1]], metadata_header=["animal", "pet"]
    )
    rows = _tsv(tmp_path / "00000" / "default" / "metadata.tsv")
    assert rows == [["animal", "pet"], ["cat", "1"], ["dog", "0"], ["c ow", "1"]]


def test_label_arrays_and_tensors_are_written_as_their_values(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    write_embedding(tmp_path, torch.zeros(3, 2), metadata=torch.tensor([3, 1, 2]), tag="t")
    assert (tmp_path / "00000" / "t" / "metadata.tsv").read_text(encoding="utf-8") == "3\n1\n2\n"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mat": np.zeros(4)}, "N x D"),
        ({"mat": np.zeros((2, 2)), "metadata": ["a"]}, "1 labels for 2 points"),
        ({"mat": np.zeros((2, 2)), "metadata": [["a", 1], ["b", 2]]}, "metadata_header"),
        ({"mat": np.zeros((2, 2)), "metadata": [["a"], ["b", 2]], "metadata_header": ["x", "y"]}, "row 0"),
        ({"mat": np.zeros((2, 2)), "label_img": np.zeros((3, 1, 4, 4))}, "one per point"),
        ({"mat": np.zeros((2, 2)), "label_img": np.zeros((2, 2, 4, 4))}, "channels"),
    ],
)
def test_inconsistent_inputs_are_refused_before_anything_is_written(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        write_embedding(tmp_path, **kwargs)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_sprite_is_a_square_grid_filled_row_by_row() -> None:
    # Five 2x3 (H x W) images, image i filled with the value i * 40: a 3 x 3 grid with four blank cells.
    images = np.stack([np.full((1, 2, 3), i * 40, dtype=np.uint8) for i in range(5)])
    sprite, (width, height) = sprite_image(images)
    assert (width, height) == (3, 2)
    assert sprite.shape == (3 * 2, 3 * 3, 1)
    cells = sprite[::2, ::3, 0]  # the top-left pixel of each cell
    assert cells.tolist() == [[0, 40, 80], [120, 160, 0], [0, 0, 0]]


def test_sprite_png_and_its_config_entry(tmp_path: Path) -> None:
    image_module = pytest.importorskip("PIL.Image")
    images = np.random.default_rng(1).random((3, 3, 4, 5))  # N C H W, floats in 0-1
    write_embedding(tmp_path, np.zeros((3, 2)), label_img=images, tag="img")
    with image_module.open(tmp_path / "00000" / "img" / "sprite.png") as png:
        assert png.size == (2 * 5, 2 * 4)
        pixels = np.asarray(png.convert("RGB"))
    expected, _ = sprite_image(images)
    np.testing.assert_array_equal(pixels, expected)
    entry = _config(tmp_path)["img:00000"]
    assert entry.sprite.image_path == "00000/img/sprite.png"
    assert list(entry.sprite.single_image_dim) == [5, 4]


def test_config_keeps_other_entries_and_replaces_a_rewritten_one(tmp_path: Path) -> None:
    write_embedding(tmp_path, np.zeros((2, 2)), tag="a")
    write_embedding(tmp_path, np.zeros((2, 2)), tag="b", global_step=1)
    write_embedding(tmp_path, np.ones((4, 2)), tag="a")  # same tag and step: replaces the first
    config = _config(tmp_path)
    assert list(config) == ["a:00000", "b:00001"]
    assert list(config["a:00000"].tensor_shape) == [4, 2]


def test_tags_are_percent_encoded_into_one_directory(tmp_path: Path) -> None:
    write_embedding(tmp_path, np.zeros((1, 1)), tag="layer/1\\x%")
    assert (tmp_path / "00000" / "layer%2f1%5cx%25" / "tensors.tsv").exists()
    assert "layer/1\\x%:00000" in _config(tmp_path)


def test_concurrent_writers_lose_no_entry(tmp_path: Path) -> None:
    threads = [
        threading.Thread(target=write_embedding, args=(tmp_path, np.zeros((2, 2))), kwargs={"tag": f"t{i}"})
        for i in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(_config(tmp_path)) == sorted(f"t{i}:00000" for i in range(8))


def test_an_unreadable_config_is_left_alone(tmp_path: Path) -> None:
    config = tmp_path / "projector_config.pbtxt"
    config.write_text("this is { not a config", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot be read"):
        write_embedding(tmp_path, np.zeros((1, 1)))
    assert config.read_text(encoding="utf-8") == "this is { not a config"


def test_a_file_in_the_way_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "00000").mkdir()
    (tmp_path / "00000" / "default").write_text("", encoding="utf-8")
    with pytest.raises(NotADirectoryError):
        write_embedding(tmp_path, np.zeros((1, 1)))
