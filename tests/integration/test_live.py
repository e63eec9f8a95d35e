"""Live training: a real server sees new runs, files and points within a couple of seconds, and tells the
page through the server-sent-events stream."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.helpers import ServerProcess, scalar_event, version_event, write_events


def wait_for(predicate: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_appended_points_new_files_and_new_runs_appear(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    path = write_events(
        logdir / "train" / "events.out.tfevents.1.h",
        version_event(),
        *[scalar_event("loss", s, 1.0) for s in range(10)],
    )
    with (
        ServerProcess(
            "--logdir", str(logdir), "--port", "0", "--db", str(tmp_path / "i.db"), "--reload-interval", "0.2"
        ) as server,
        httpx.Client(base_url=server.url, timeout=10) as c,
    ):

        def count(tag: str = "loss") -> int:
            r = c.get("api/scalars", params={"tag": tag})
            return sum(s["total"] for s in r.json()["series"]) if r.status_code == 200 else 0

        wait_for(lambda: count() == 10)
        events: list[tuple[str, Any]] = []

        def listen() -> None:
            with httpx.stream("GET", server.url + "api/events", timeout=20) as r:
                name = None
                for line in r.iter_lines():
                    if line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("data: ") and name:
                        events.append((name, json.loads(line[6:])))
                        if name == "update" and any(e[0] == "update" and e[1]["new_runs"] for e in events):
                            return

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        time.sleep(0.5)
        # Appended records, half a record (a write in progress), then its rest.
        write_events(path, *[scalar_event("loss", s, 2.0) for s in range(10, 15)], append=True)
        wait_for(lambda: count() == 15)
        tail = __import__("tests.helpers", fromlist=["records"]).records(scalar_event("loss", 15, 3.0))
        with open(path, "ab") as f:
            f.write(tail[:10])
        time.sleep(0.6)
        assert count() == 15
        with open(path, "ab") as f:
            f.write(tail[10:])
        wait_for(lambda: count() == 16)
        # A new file in the run, then a new run.
        write_events(logdir / "train" / "events.out.tfevents.2.h", scalar_event("loss", 16, 4.0, wall=1_700_000_999.0))
        wait_for(lambda: count() == 17)
        write_events(logdir / "validation" / "events.out.tfevents.1.h", scalar_event("loss", 0, 5.0))
        wait_for(lambda: count() == 18)
        listener.join(10)
        updates = [data for name, data in events if name == "update"]
        assert any({"run": "train", "tag": "loss", "kind": "scalars"} in u["tags"] for u in updates)
        assert any(u["new_runs"] and "validation" in u["runs"] for u in updates)
        assert any(name == "status" for name, _ in events)
        status = c.get("api/status").json()
        assert status["ingest"]["problems"] == []  # a write in progress is not a problem


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    server = ServerProcess("--logdir", str(tmp_path / "logs"), "--port", "0", "--db", str(tmp_path / "i.db"))
    code = server.stop()
    assert code == 0
    assert "Traceback" not in server.output
    assert "Telescope stopped." in server.output
