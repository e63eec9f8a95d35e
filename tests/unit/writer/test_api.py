"""SummaryWriter is a drop-in for torch.utils.tensorboard.SummaryWriter: same methods, arguments and defaults."""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import pytest

from telescope import SummaryWriter

torch_writer = pytest.importorskip("torch.utils.tensorboard.writer")

# add_onnx_graph needs the onnx package and is not offered.
NOT_OFFERED = {"add_onnx_graph"}


def public_methods(cls: type) -> set[str]:
    return {n for n, v in vars(cls).items() if callable(v) and not n.startswith("_")}


def test_every_torch_method_exists() -> None:
    missing = public_methods(torch_writer.SummaryWriter) - public_methods(SummaryWriter) - NOT_OFFERED
    assert not missing


@pytest.mark.parametrize("name", [*sorted(public_methods(torch_writer.SummaryWriter) - NOT_OFFERED), "__init__"])
def test_same_arguments_in_the_same_order_with_the_same_defaults(name: str) -> None:
    theirs = inspect.signature(getattr(torch_writer.SummaryWriter, name))
    ours = inspect.signature(getattr(SummaryWriter, name))
    positional = [(p.name, p.default) for p in ours.parameters.values() if p.kind != p.KEYWORD_ONLY]
    assert positional == [(p.name, p.default) for p in theirs.parameters.values()]


def test_a_writer_closed_without_logging_releases_its_file(tmp_path: Path) -> None:
    def open_descriptors() -> int:
        return len(os.listdir("/proc/self/fd"))

    before = open_descriptors()
    for _ in range(20):
        SummaryWriter(tmp_path).close()
    for _ in range(20):
        SummaryWriter(tmp_path)  # dropped without close
    assert open_descriptors() <= before + 1
