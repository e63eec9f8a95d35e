"""Core routes: status, runs, tags per kind, and the live-update stream (``/api/...``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from telescope import __version__
from telescope.errors import NotFound
from telescope.plugins import data_names, get_plugin, kind_counts, kind_of
from telescope.plugins.routes import tags_by_name
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON

if TYPE_CHECKING:
    from telescope.ingest.diagnose import EmptyReason

router = APIRouter(prefix="/api")

HEARTBEAT_SECONDS = 15.0
MIN_UPDATE_INTERVAL = 0.5
STATUS_INTERVAL = 1.0


def ingest_status(ctx: ServerContext) -> dict[str, Any]:
    st = ctx.store.status()
    progress = ctx.ingester.progress if ctx.ingester is not None else None
    return {
        "state": progress.state if progress is not None else "read-only",
        "files": max(st.files, progress.files if progress else 0),
        "bytes_total": max(progress.bytes_total if progress else 0, st.bytes_total),
        "bytes_read": st.bytes_read,
        "records": st.records,
        "skipped": st.skipped,
        "last_update": st.last_update,
        "problems": [asdict(p) for p in st.problems],
        "discovery_errors": list(progress.discovery_errors) if progress else [],
    }


def empty_reason(ctx: ServerContext, status: dict[str, Any], kinds: dict[str, int]) -> EmptyReason | None:
    # Imported here: diagnosing reads event files with the decoding stack, which a start on an up-to-date index
    # need not import.
    from telescope.ingest.diagnose import EmptyReason, explain_missing, explain_no_event_files

    logdir = ctx.logdir
    if not logdir.is_dir():
        return explain_missing(logdir)
    if status["state"] == "starting":
        return None
    if status["files"] == 0:
        return explain_no_event_files(logdir, status["discovery_errors"])
    if kinds.get("scalars"):
        return None
    if status["state"] == "indexing":
        return None
    runs = ctx.store.list_runs()
    other = {k: n for k, n in kinds.items() if k}
    if status["records"] == 0 and status["problems"]:
        return EmptyReason(
            "no_readable_events",
            f"Found {status['files']} event file(s) but none could be read: "
            + "; ".join(f"{p['path']}: {p['message']}" for p in status["problems"][:3]),
        )
    held = ", ".join(f"{k} ({n} tag{'s' if n != 1 else ''})" for k, n in sorted(other.items()))
    return EmptyReason(
        "no_scalars",
        f"Found {status['files']} event file(s) in {len(runs)} run(s), but no scalars yet."
        + (f" They hold: {held}." if held else " They hold no data yet (only file headers).")
        + " Scalars appear here as soon as the training script logs them.",
    )


@router.get("/status", response_class=FastJSON)
def status(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    st = ingest_status(ctx)
    store_status = ctx.store.status()
    kinds = kind_counts(ctx.store)
    reason = empty_reason(ctx, st, kinds)
    return FastJSON(
        {
            "version": __version__,
            "logdir": ctx.logdir_text,
            "logdir_exists": any(path.is_dir() for _, path in ctx.logdirs) if ctx.logdirs else ctx.logdir.is_dir(),
            "window_title": ctx.settings.window_title or None,
            "runs": store_status.runs,
            "kinds": kinds,
            "ingest": st,
            "empty_reason": None if reason is None else asdict(reason),
        }
    )


@router.get("/runs", response_class=FastJSON)
def runs(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    return FastJSON(
        {
            "runs": [
                {
                    "name": r.name,
                    "kinds": sorted({kind_of(k) for k in r.kinds if k}),
                    "first_wall_time": r.first_wall_time,
                    "last_wall_time": r.last_wall_time,
                }
                for r in ctx.store.list_runs()
            ]
        }
    )


@router.get("/tags", response_class=FastJSON)
def tags(
    kind: str = Query(..., description="plugin name, e.g. scalars"),
    run: list[str] | None = Query(None),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    plugin = get_plugin(kind)
    names = data_names(plugin) if plugin is not None else (kind,)
    series = [s for name in names for s in ctx.store.list_series(plugin=name)]
    if run:
        known = {r.name for r in ctx.store.list_runs()}
        missing = [r for r in run if r not in known]
        if missing:
            raise NotFound(f"No run named {missing[0]!r}.", code="unknown_run")
    return FastJSON(tags_by_name(kind, series, run))


def _sse(event: str, data: Any) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


@router.get("/events")
async def events(request: Request, ctx: ServerContext = Depends(get_context)) -> StreamingResponse:
    """Server-sent events: ``update`` when runs or tags grew, ``status`` while indexing or on change."""
    key, pending, wake = ctx.broadcaster.subscribe()

    async def stream() -> Any:
        try:
            yield b"retry: 2000\n\n"
            last_status: dict[str, Any] | None = None
            last_beat = time.monotonic()
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=STATUS_INTERVAL)
                if await request.is_disconnected():
                    break
                if pending:
                    wake.clear()
                    tags = sorted(pending.tags)
                    data = {
                        "runs": sorted({t[0] for t in tags} | pending.new_runs),
                        "tags": [{"run": r, "tag": t, "kind": kind_of(k)} for r, t, k in tags],
                        "new_runs": bool(pending.new_runs),
                    }
                    pending.tags.clear()
                    pending.new_runs.clear()
                    yield _sse("update", data)
                    await asyncio.sleep(MIN_UPDATE_INTERVAL)
                else:
                    wake.clear()
                st = await asyncio.to_thread(ingest_status, ctx)
                if st != last_status:
                    last_status = st
                    yield _sse("status", st)
                    last_beat = time.monotonic()
                elif time.monotonic() - last_beat > HEARTBEAT_SECONDS:
                    last_beat = time.monotonic()
                    yield b": keep-alive\n\n"
        finally:
            ctx.broadcaster.unsubscribe(key)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
