"""The writer across process events: interpreter exit, fork, and kill -9 in the middle of writing."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from telescope.tfrecord.framing import read_frames
from tests.unit.writer.events import event_files, read_events, scalars


def run_script(code: str, *args: str, timeout: float = 120) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_events_are_written_at_interpreter_exit_without_close(tmp_path: Path) -> None:
    run_script(
        """
        import sys
        from telescope import SummaryWriter
        w = SummaryWriter(sys.argv[1], max_queue=10**6, flush_secs=3600)
        for i in range(1000):
            w.add_scalar("x", i * 0.5, i)
        w.add_text("note", "bye", 1000)
        """,
        str(tmp_path),
    )
    events = read_events(event_files(tmp_path)[0])
    assert scalars(events, "x") == [(i, i * 0.5) for i in range(1000)]
    assert [v.tag for e in events for v in e.summary.value][-1] == "note/text_summary"


def test_a_forked_child_writes_its_own_file(tmp_path: Path) -> None:
    out = run_script(
        """
        import json, os, sys
        from telescope import SummaryWriter
        w = SummaryWriter(sys.argv[1], max_queue=10**6, flush_secs=3600)
        w.add_scalar("parent", 1.0, 1)  # still queued at the fork
        idle = os.fork()
        if idle == 0:  # a child that never logs (a data-loader worker) creates no file
            os._exit(0)
        child = os.fork()
        if child == 0:
            w.add_scalar("child", 2.0, 2)
            w.close()
            os._exit(0)
        assert os.waitpid(idle, 0)[1] == 0 and os.waitpid(child, 0)[1] == 0
        w.add_scalar("parent", 3.0, 3)
        w.close()
        print(json.dumps({"parent": os.getpid(), "child": child}))
        """,
        str(tmp_path),
    )
    pids = json.loads(out)
    files = {int(p.name.split(".")[-2]): p for p in event_files(tmp_path)}
    assert sorted(files) == sorted(pids.values())
    parent = read_events(files[pids["parent"]])
    child = read_events(files[pids["child"]])
    assert scalars(parent, "parent") == [(1, 1.0), (3, 3.0)] and scalars(parent, "child") == []
    assert child[0].file_version == "brain.Event:2"
    assert scalars(child, "child") == [(2, 2.0)] and scalars(child, "parent") == []


def test_kill_9_while_writing_leaves_a_file_readers_accept(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys
                import numpy as np
                from telescope import SummaryWriter
                w = SummaryWriter(sys.argv[1], max_queue=1)
                values = np.random.default_rng(0).normal(size=20_000)
                i = 0
                while True:
                    w.add_scalar("x", float(i), i)
                    if i % 50 == 0:
                        w.add_histogram("h", values + i, i)
                    if i == 2000:
                        print("running", flush=True)
                    i += 1
                """
            ),
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "running"
        time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
    (path,) = event_files(tmp_path)
    data = path.read_bytes()
    result = read_frames(data)
    assert result.problems == []
    assert len(data) - result.end < 64 << 10, "more than the last record is torn"
    steps = [s for s, _ in scalars(read_events(path, allow_torn_tail=True), "x")]
    assert len(steps) > 2000 and steps == list(range(len(steps)))
    acc = EventAccumulator(str(path), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    assert [e.step for e in acc.Scalars("x")] == steps
