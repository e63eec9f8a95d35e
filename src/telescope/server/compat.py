"""TensorBoard's own core data endpoints (``/data/...``), answered the way TensorBoard answers them, so
scripts written against TensorBoard keep working. Kind-specific ``/data/plugin/<kind>/...`` routes live in
each plugin's ``routes.py``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from telescope import __version__
from telescope.plugins import kind_counts, load_plugins
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON

router = APIRouter(prefix="/data")

# The dashboards TensorBoard lists, in its order; a kind is enabled when the logdir has data for it.
_TB_PLUGINS = (
    "timeseries",
    "scalars",
    "custom_scalars",
    "images",
    "audio",
    "debugger-v2",
    "graphs",
    "distributions",
    "histograms",
    "text",
    "pr_curves",
    "profile_redirect",
    "hparams",
    "mesh",
    "wit_redirect",
    "projector",
)
_GRAPH_PLUGINS = {"graphs", "graph_keras_model", "graph_run_metadata", "graph_run_metadata_graph"}


@router.get("/runs", response_class=FastJSON)
def runs(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    rows = ctx.store.list_runs()
    rows.sort(key=lambda r: (r.start_wall_time is None, r.start_wall_time or 0.0, r.name))
    return FastJSON([r.name for r in rows])


@router.get("/plugins_listing", response_class=FastJSON)
def plugins_listing(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    present = {k for k, n in ctx.store.status().series_by_plugin.items() if n} | set(kind_counts(ctx.store))
    enabled = {
        "timeseries": bool(present & {"scalars", "histograms", "images"}),
        "distributions": "histograms" in present,
        "graphs": bool(present & _GRAPH_PLUGINS),
        "projector": "embeddings" in present,
    }
    listing = {}
    for name in _TB_PLUGINS:
        on = enabled.get(name, name in present)
        listing[name] = {
            "disable_reload": False,
            "enabled": on,
            "loading_mechanism": {"type": "NONE"},
            "tab_name": name,
            "remove_dom": False,
        }
    for name in load_plugins():
        listing.setdefault(
            name,
            {
                "disable_reload": False,
                "enabled": name in present,
                "loading_mechanism": {"type": "NONE"},
                "tab_name": name,
                "remove_dom": False,
            },
        )
    return FastJSON(listing)


@router.get("/environment", response_class=FastJSON)
def environment(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    return FastJSON(
        {
            "version": __version__,
            "data_location": ctx.logdir_text,
            "window_title": ctx.settings.window_title,
            "experiment_name": "",
            "experiment_description": "",
            "creation_time": 0.0,
            "debug": {"data_provider": "telescope", "flags": {}},
        }
    )


@router.get("/logdir", response_class=FastJSON)
def logdir(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    return FastJSON({"logdir": ctx.logdir_text})
