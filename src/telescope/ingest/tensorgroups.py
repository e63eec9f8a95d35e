"""Vectorised reading of fixed-layout tensor records (TF2-style histograms and other tensors of one shape).

Ingest stage, used by :func:`telescope.ingest.blockdecode.decode_block` on the records the scalar decoder left.
Records of one tag written as ``Event{wall_time, step, summary{value{tag, [metadata], tensor{dtype, shape,
content}}}}``, whose content is a ``tensor_content`` or a packed ``float_val`` / ``double_val`` of a fixed size,
all have one length and are byte-for-byte identical outside the wall time, the step varint and the content.
So, as for scalars (:mod:`telescope.ingest.fastdecode`), the records are grouped by length; a later record of a
group is parsed as the *template*; every record whose other bytes equal the template's shares its layout. Their
payload checksums are verified one by one (the content differs in most bytes, so CRC linearity gains nothing
here), and wall times, steps and contents are read column-wise. What the contents mean is left to the kind
that owns the tag (its ``decode_batch``); records that fit no template go to the protobuf parser.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from crc32c import crc32c as _crc32c

from telescope.ingest.fastdecode import TENSOR, fixed_ranges, parse_one_value, varint, varint_column
from telescope.tfrecord.batch import footers_of, gather_rows, length_groups, mask_array

Int64Array = npt.NDArray[np.int64]
Float64Array = npt.NDArray[np.float64]
UInt8Array = npt.NDArray[np.uint8]

MIN_GROUP = 8  # fewer records of one layout are cheaper to parse one by one
_MAX_TEMPLATES_PER_LENGTH = 64
# Records of one length that are not one-tensor events (legacy histograms, images) rarely are further on.
_MAX_FAILED_TEMPLATES = 3

# TensorProto fields: dtype, tensor_shape, version_number, then the content fields read here.
_DTYPE, _SHAPE, _VERSION, _CONTENT, _FLOAT_VAL, _DOUBLE_VAL = 1, 2, 3, 4, 5, 6


@dataclass(frozen=True)
class TensorLayout:
    """Where the variable fields of a one-tensor record sit (byte offsets in the payload)."""

    wall: int  # offset of the 8 wall_time bytes
    step: tuple[int, int] | None  # (offset, width) of the step varint; None = step absent (0)
    content: int  # offset of the content bytes (tensor_content, or a packed float_val / double_val)
    content_width: int
    tag: bytes


@dataclass
class TensorCandidate:
    """Records of one tag sharing a tensor layout, their checksums verified and wall times finite; what their
    contents mean is not decided yet."""

    tag: str
    template: bytes  # one whole payload of the layout
    record_index: Int64Array  # position of each record in the block, increasing
    steps: Int64Array
    wall_times: Float64Array
    contents: UInt8Array  # [records, content bytes]

    def without_first(self) -> TensorCandidate:
        return replace(
            self,
            record_index=self.record_index[1:],
            steps=self.steps[1:],
            wall_times=self.wall_times[1:],
            contents=self.contents[1:],
        )


@dataclass
class TensorGroup:
    """Tensor values of one tag decoded in bulk by the kind that owns the tag."""

    tag: str
    plugin: str
    storage_class: str
    template: bytes  # one whole payload of the group (parsed once if the series must be classified)
    record_index: Int64Array
    steps: Int64Array
    wall_times: Float64Array
    # One decoded array per record: stacked ([records, ...]) when decoded in bulk, a list when parsed one by one.
    values: npt.NDArray[np.generic] | list[npt.NDArray[np.generic]]

    def __getstate__(self) -> dict[str, Any]:
        # Groups travel from worker processes. Arrays that are views of one array (as legacy histograms decoded in
        # bulk are) travel as that array and where each view starts: pickling 25,000 small arrays one by one
        # costs several times more.
        state = dict(self.__dict__)
        views = _Views.of(self.values)
        if views is not None:
            state["values"] = views
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if isinstance(state["values"], _Views):
            state["values"] = state["values"].arrays()
        self.__dict__.update(state)


@dataclass
class _Views:
    """Arrays sharing one C-contiguous base array: the base, and each one's byte offset and shape in it."""

    base: npt.NDArray[np.generic]
    offsets: list[int]
    shapes: list[tuple[int, ...]]

    @classmethod
    def of(cls, values: object) -> _Views | None:
        if not isinstance(values, list) or len(values) < 2:
            return None
        base = getattr(values[0], "base", None)
        if type(base) is not np.ndarray or not base.flags.c_contiguous:
            return None
        origin = base.ctypes.data
        offsets = []
        for v in values:
            if type(v) is not np.ndarray or v.base is not base or not v.flags.c_contiguous or v.dtype != base.dtype:
                return None
            offsets.append(v.ctypes.data - origin)
        return cls(base, offsets, [v.shape for v in values])

    def arrays(self) -> list[npt.NDArray[np.generic]]:
        base, dtype = self.base, self.base.dtype
        return [
            np.ndarray(shape, dtype=dtype, buffer=base, offset=offset)
            for offset, shape in zip(self.offsets, self.shapes, strict=True)
        ]


BlobLocated = tuple[int, int, int, bytes | None, str]  # (offset, length, crc, inline data, meta JSON)


@dataclass
class BlobGroup:
    """Blob items of one tag from one-value records parsed one by one, decoded and located."""

    tag: str
    plugin: str
    storage_class: str
    template: bytes  # the first record's event with its payload bytes stripped (to classify the series if needed)
    record_index: Int64Array
    steps: Int64Array
    wall_times: Float64Array
    items: list[list[BlobLocated]]  # per record, its items


def parse_tensor_layout(payload: bytes) -> TensorLayout | None:
    """The layout of ``payload`` if it is a one-value event holding a tensor with exactly one non-empty content
    field, else None."""
    try:
        return _parse_tensor_layout(payload)
    except (ValueError, IndexError):
        return None


def _parse_tensor_layout(p: bytes) -> TensorLayout | None:
    one = parse_one_value(p)
    if one is None or one.field != TENSOR:
        return None
    content = _content_span(p, one.start, one.end)
    if content is None:
        return None
    return TensorLayout(wall=one.wall, step=one.step, content=content[0], content_width=content[1], tag=one.tag)


def _content_span(p: bytes, pos: int, end: int) -> tuple[int, int] | None:
    """Span of the one content field of a TensorProto whose other fields are dtype, shape and version only."""
    content: tuple[int, int] | None = None
    while pos < end:
        key, pos = varint(p, pos)
        field, wire = key >> 3, key & 7
        if field in (_DTYPE, _VERSION) and wire == 0:
            _, pos = varint(p, pos)
        elif field == _SHAPE and wire == 2:
            length, pos = varint(p, pos)
            pos += length
        elif field in (_CONTENT, _FLOAT_VAL, _DOUBLE_VAL) and wire == 2 and content is None:
            length, pos = varint(p, pos)
            if length == 0 or (field == _FLOAT_VAL and length % 4) or (field == _DOUBLE_VAL and length % 8):
                return None  # empty: nothing varies; a partial number: the parser reports it
            content = (pos, length)
            pos += length
        else:
            return None
    if content is None or pos != end:
        return None
    return content


def find_tensor_candidates(
    buf: UInt8Array, starts: Int64Array, lengths: Int64Array, todo: Int64Array
) -> tuple[list[TensorCandidate], Int64Array]:
    """Group the records ``todo`` (indices into ``starts``/``lengths``, increasing) by tensor layout.

    Returns the candidates and the indices of records that share a layout but whose payload checksum failed.
    Records in neither (no layout, few of a layout, a non-finite wall time) need the parser.
    """
    candidates: list[TensorCandidate] = []
    corrupt: list[Int64Array] = []
    for n, members in length_groups(lengths[todo]):
        if len(members) < MIN_GROUP:
            continue
        remaining = todo[np.sort(members)]
        failed = 0
        for _ in range(_MAX_TEMPLATES_PER_LENGTH):
            if len(remaining) < MIN_GROUP or failed >= _MAX_FAILED_TEMPLATES:
                break
            # A later record as the template: a tag's first value often carries metadata the others lack.
            s = int(starts[remaining[-1]])
            template = buf[s : s + n].tobytes()
            layout = parse_tensor_layout(template)
            if layout is None:
                remaining = remaining[:-1]
                failed += 1
                continue
            match = _matching(buf, starts[remaining], layout, template)
            matched = remaining[match]
            remaining = remaining[~match]
            if len(matched) >= MIN_GROUP:
                cand, bad = _candidate(buf, starts[matched], matched, n, layout, template)
                if cand is not None:
                    candidates.append(cand)
                if len(bad):
                    corrupt.append(bad)
    bad_all = np.sort(np.concatenate(corrupt)) if corrupt else np.empty(0, dtype=np.int64)
    return candidates, bad_all


def _matching(buf: UInt8Array, pos: Int64Array, layout: TensorLayout, template: bytes) -> npt.NDArray[np.bool_]:
    """Which records (payloads at ``pos``) equal ``template`` outside its variable fields."""
    first = np.frombuffer(template, dtype=np.uint8)
    match = np.ones(len(pos), dtype=bool)
    for a, b in fixed_ranges(len(template), layout.wall, layout.step, layout.content, layout.content_width):
        cols = gather_rows(buf, pos + a, b - a)
        match &= (cols == first[a:b]).all(axis=1)
    if layout.step is not None:
        s0, width = layout.step
        cont = (gather_rows(buf, pos + s0, width) & 0x80) != 0
        # The varint must end exactly where the template's does.
        match &= cont[:, :-1].all(axis=1) & ~cont[:, -1]
    return match


def _candidate(
    buf: UInt8Array, pos: Int64Array, index: Int64Array, n: int, layout: TensorLayout, template: bytes
) -> tuple[TensorCandidate | None, Int64Array]:
    """The verified records of one layout, and the indices of those whose checksum failed."""
    view = memoryview(buf.data)
    crcs = np.fromiter((_crc32c(view[s : s + n]) for s in pos.tolist()), dtype=np.uint32, count=len(pos))
    ok = mask_array(crcs) == footers_of(buf, pos, np.full(len(pos), n, dtype=np.int64))
    bad = index[~ok]
    walls = gather_rows(buf, pos + layout.wall, 8).view("<f8").ravel()
    keep = ok & np.isfinite(walls)  # a non-finite wall time is left for the parser, which reports it
    if not keep.any():
        return None, bad
    pos, index, walls = pos[keep], index[keep], walls[keep]
    if layout.step is not None:
        s0, width = layout.step
        steps = varint_column(gather_rows(buf, pos + s0, width))
    else:
        steps = np.zeros(len(pos), dtype=np.int64)
    contents = gather_rows(buf, pos + layout.content, layout.content_width)
    cand = TensorCandidate(
        tag=layout.tag.decode("utf-8"),
        template=template,
        record_index=index.astype(np.int64),
        steps=steps,
        wall_times=np.ascontiguousarray(walls),
        contents=contents,
    )
    return cand, bad
