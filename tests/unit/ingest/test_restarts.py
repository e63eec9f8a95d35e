"""Restart rules: explicit markers, steps going back, concurrent writers, repeated steps (docs/restarts.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from telescope.ingest import Ingester
from telescope.store import Store
from tests.helpers import scalar_event, start_event, version_event, visible, write_events


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))


def ingest(tmp_path: Path, store: Store) -> None:
    Ingester(tmp_path / "logs", store).poll_once()


def test_session_start_hides_later_steps_in_all_tags(tmp_path: Path, store: Store) -> None:
    run = tmp_path / "logs" / "r"
    write_events(
        run / "events.out.tfevents.1.a",
        version_event(),
        *[scalar_event("loss", s, float(s)) for s in range(1, 6)],
        *[scalar_event("acc", s, s / 4) for s in range(1, 6)],
    )
    write_events(
        run / "events.out.tfevents.2.a",
        version_event(1_700_000_100.0),
        start_event(3, 1_700_000_100.0),
        scalar_event("loss", 3, 30.0, wall=1_700_000_101.0),
        scalar_event("loss", 4, 40.0, wall=1_700_000_102.0),
    )
    ingest(tmp_path, store)
    assert visible(store, "r", "loss") == [(1, 1.0), (2, 2.0), (3, 30.0), (4, 40.0)]
    # The marker applies to every tag of the run, also one the resumed job has not logged yet.
    assert visible(store, "r", "acc") == [(1, 0.25), (2, 0.5)]
    # Hidden points stay in the index and can be asked for.
    assert len(visible(store, "r", "loss", include_hidden=True)) == 7


def test_step_going_back_in_one_file_restarts_that_tag_only(tmp_path: Path, store: Store) -> None:
    write_events(
        tmp_path / "logs" / "events.out.tfevents.1.a",
        scalar_event("a", 5, 5.0),
        scalar_event("b", 5, 50.0),
        scalar_event("a", 6, 6.0),
        scalar_event("a", 7, 7.0),
        scalar_event("a", 3, 3.5, wall=1_700_001_000.0),
        scalar_event("b", 6, 60.0, wall=1_700_001_001.0),
    )
    ingest(tmp_path, store)
    assert visible(store, ".", "a") == [(3, 3.5)]
    assert visible(store, ".", "b") == [(5, 50.0), (6, 60.0)]


def test_new_file_resuming_earlier_is_a_restart(tmp_path: Path, store: Store) -> None:
    run = tmp_path / "logs" / "r"
    write_events(run / "events.out.tfevents.1.a", *[scalar_event("loss", s, 1.0) for s in range(60)])
    write_events(
        run / "events.out.tfevents.2.a",
        *[scalar_event("loss", s, 2.0, wall=1_700_010_000.0 + s) for s in range(30, 46)],
    )
    ingest(tmp_path, store)
    pts = visible(store, "r", "loss")
    assert len(pts) == 46
    assert [v for s, v in pts if s >= 30] == [2.0] * 16


def test_two_concurrent_writers_keep_every_point(tmp_path: Path, store: Store) -> None:
    run = tmp_path / "logs" / "r"
    # Two processes writing the same run at the same time: interleaved steps, overlapping wall times.
    write_events(run / "events.out.tfevents.1.host.1", *[scalar_event("loss", s, 1.0) for s in range(0, 100, 2)])
    write_events(run / "events.out.tfevents.1.host.2", *[scalar_event("loss", s, 2.0) for s in range(1, 100, 2)])
    ingest(tmp_path, store)
    pts = visible(store, "r", "loss")
    assert len(pts) == 100
    assert [s for s, _ in pts] == list(range(100))


def test_repeated_points_at_one_step_are_all_kept(tmp_path: Path, store: Store) -> None:
    write_events(
        tmp_path / "logs" / "events.out.tfevents.1.a",
        scalar_event("loss", 1, 1.0),
        scalar_event("loss", 2, 2.0),
        scalar_event("loss", 2, 2.5),
        scalar_event("loss", 3, 3.0),
    )
    ingest(tmp_path, store)
    assert visible(store, ".", "loss") == [(1, 1.0), (2, 2.0), (2, 2.5), (3, 3.0)]


def test_restart_state_survives_a_new_ingester(tmp_path: Path, store: Store) -> None:
    path = write_events(tmp_path / "logs" / "events.out.tfevents.1.a", *[scalar_event("x", s, 1.0) for s in range(10)])
    ingest(tmp_path, store)
    write_events(path, scalar_event("x", 4, 9.0, wall=1_700_009_999.0), append=True)
    ingest(tmp_path, store)  # a fresh ingester must remember the tag's last step from the index
    assert visible(store, ".", "x") == [(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0), (4, 9.0)]
