"""HTTP routes of the hparams kind: the experiment and the sessions with their metric values, and TensorBoard's
hparams endpoints (``experiment`` and ``session_groups``, by GET or by POST with a JSON body as TensorBoard's
dashboard sends them)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from telescope.errors import BadRequest
from telescope.plugins.hparams import query, tensorboard_api
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON, json_number

router = APIRouter()


def _value(v: query.HValue) -> Any:
    return json_number(v) if isinstance(v, float) else v


@router.get("/api/hparams/experiment", response_class=FastJSON)
def experiment(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    exp = query.read_hparams(ctx.store).experiment
    return FastJSON(
        {
            "name": exp.name,
            "description": exp.description,
            "user": exp.user,
            "time_created": exp.time_created_secs or None,
            "inferred": exp.inferred,
            "runs": list(exp.runs),
            "hparams": [
                {
                    "name": h.name,
                    "display_name": h.display_name,
                    "description": h.description,
                    "type": h.type,
                    "domain": (
                        {"discrete": [_value(v) for v in h.discrete]}
                        if h.discrete is not None
                        else {"interval": [json_number(h.interval[0]), json_number(h.interval[1])]}
                        if h.interval is not None
                        else None
                    ),
                    "differs": h.differs,
                }
                for h in exp.hparams
            ],
            "metrics": [
                {
                    "group": m.group,
                    "tag": m.tag,
                    "display_name": m.display_name,
                    "description": m.description,
                    "dataset_type": m.dataset_type,
                }
                for m in exp.metrics
            ],
        }
    )


@router.get("/api/hparams/sessions", response_class=FastJSON)
def sessions(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    data = query.read_hparams(ctx.store)
    return FastJSON(
        {
            "sessions": [
                {
                    "run": s.run,
                    "parent": s.parent,
                    "group": s.group,
                    "status": s.status_name,
                    "start_time": s.start_time_secs or None,
                    "end_time": s.end_time_secs or None,
                    "model_uri": s.model_uri,
                    "monitor_url": s.monitor_url,
                    "hparams": {k: _value(v) for k, v in s.hparams.items()},
                    "metrics": [
                        {
                            "group": m.group,
                            "tag": m.tag,
                            "value": json_number(m.value),
                            "step": m.step,
                            "wall_time": m.wall_time,
                        }
                        for m in s.metrics
                    ],
                }
                for s in data.sessions
            ]
        }
    )


# -- TensorBoard-compatible endpoints -------------------------------------------------------------------------


async def _request_json(request: Request) -> dict[str, Any]:
    """The request object: the POST body, or the ``request`` query parameter of a GET (TensorBoard accepts both)."""
    raw: str | bytes | None = await request.body() if request.method == "POST" else request.query_params.get("request")
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(f"the request is not valid JSON: {e}", code="bad_parameter") from e
    if not isinstance(parsed, dict):
        raise BadRequest("the request must be a JSON object.", code="bad_parameter")
    return parsed


@router.get("/data/plugin/hparams/experiment", response_class=FastJSON)
@router.post("/data/plugin/hparams/experiment", response_class=FastJSON)
async def tb_experiment(request: Request, ctx: ServerContext = Depends(get_context)) -> FastJSON:
    body = await _request_json(request)
    data = await run_in_threadpool(query.read_hparams, ctx.store)
    return FastJSON(tensorboard_api.experiment_json(data, include_metrics=bool(body.get("includeMetrics", True))))


@router.get("/data/plugin/hparams/session_groups", response_class=FastJSON)
@router.post("/data/plugin/hparams/session_groups", response_class=FastJSON)
async def tb_session_groups(request: Request, ctx: ServerContext = Depends(get_context)) -> FastJSON:
    body = await _request_json(request)
    data = await run_in_threadpool(query.read_hparams, ctx.store)
    return FastJSON(tensorboard_api.list_session_groups(data, body))
