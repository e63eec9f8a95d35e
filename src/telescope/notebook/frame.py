"""What a notebook cell shows for a server: the URL the browser can reach, the frame around the UI, the error.

Entry point side of the pipeline (``telescope.notebook``). The browser showing the notebook may not be on the
kernel's machine, so the frame's address is chosen in this order: an explicit proxy URL (``proxy_url=`` or
``TELESCOPE_PROXY_URL``, e.g. ``https://host/user/me/proxy/{port}/``), then JupyterHub with jupyter-server-proxy
(``JUPYTERHUB_SERVICE_PREFIX`` + ``proxy/{port}/``), then the server's own URL (``http://localhost:PORT/``).
Colab is handled in ``magic.py`` through its own port proxy. Pure functions over strings: no IPython here.
"""

from __future__ import annotations

import html
import importlib.util
import os
from collections.abc import Mapping

from telescope.cli.instances import Instance, describe_age

PROXY_ENV = "TELESCOPE_PROXY_URL"
HUB_PREFIX_ENV = "JUPYTERHUB_SERVICE_PREFIX"
DEFAULT_HEIGHT = 800


def _has_server_proxy() -> bool:
    try:
        return importlib.util.find_spec("jupyter_server_proxy") is not None
    except (ImportError, ValueError):
        return False


def proxy_template(environ: Mapping[str, str] | None = None, *, has_server_proxy: bool | None = None) -> str | None:
    """The proxy URL template in force, if any (``{port}`` stands for the server's port)."""
    env = os.environ if environ is None else environ
    explicit = env.get(PROXY_ENV, "").strip()
    if explicit:
        return explicit
    hub = env.get(HUB_PREFIX_ENV, "").strip()
    if hub and (_has_server_proxy() if has_server_proxy is None else has_server_proxy):
        return hub.rstrip("/") + "/proxy/{port}/"
    return None


def proxied_url(template: str, port: int, path_prefix: str = "") -> str:
    """The address of the server's UI through a proxy: ``{port}`` is replaced (without it, the port is appended as
    a path segment, as jupyter-server-proxy expects), then the server's own path prefix follows."""
    base = template.replace("{port}", str(port)) if "{port}" in template else template.rstrip("/") + f"/{port}/"
    if not base.endswith("/"):
        base += "/"
    prefix = path_prefix.strip("/")
    return base + (prefix + "/" if prefix else "")


def frame_url(instance: Instance, *, proxy_url: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    template = proxy_url or proxy_template(environ)
    if template:
        return proxied_url(template, instance.port, instance.path_prefix)
    return instance.url


def summary(instance: Instance, *, reused: bool, url: str) -> str:
    how = f"Reusing the Telescope started {describe_age(instance.started)}" if reused else "Telescope started"
    return f"{how} on port {instance.port} (pid {instance.pid}) for {instance.logdir}: {url}"


def notes_from_output(output: str) -> list[str]:
    """The lines of a server's start-up output a user should read in the cell (a port change, a warning)."""
    keep = ("Port ", "Warning", "warning", "error")
    return [line.strip() for line in output.splitlines() if line.strip().startswith(keep) or "in use" in line]


def text_view(instance: Instance, *, reused: bool, url: str, notes: list[str] | None = None) -> str:
    lines = [*(notes or []), summary(instance, reused=reused, url=url)]
    lines.append(f"Stop it with `telescope stop {instance.port}` (or `%telescope stop {instance.port}`).")
    return "\n".join(lines)


def html_view(
    instance: Instance,
    *,
    reused: bool,
    url: str,
    height: int = DEFAULT_HEIGHT,
    notes: list[str] | None = None,
) -> str:
    esc = html.escape
    link = f'<a href="{esc(url)}" target="_blank" rel="noopener">{esc(url)}</a>'
    how = f"Reusing the Telescope started {esc(describe_age(instance.started))}" if reused else "Telescope started"
    note_html = "".join(f"<div>{esc(n)}</div>" for n in notes or [])
    return (
        '<div class="telescope-output" style="font:13px/1.4 system-ui,sans-serif">'
        f"{note_html}"
        f'<div style="margin:0 0 6px">{how} on port {instance.port} (pid {instance.pid}) for '
        f"<code>{esc(instance.logdir)}</code>: {link} · stop it with "
        f"<code>%telescope stop {instance.port}</code></div>"
        f'<iframe src="{esc(url)}" title="Telescope: {esc(instance.logdir)}" '
        f'style="width:100%;height:{int(height)}px;border:1px solid rgba(128,128,128,.35);border-radius:4px" '
        'allow="clipboard-write; fullscreen"></iframe>'
        "</div>"
    )


def error_text(message: str, output: str) -> str:
    return message + ("\n\n" + output.rstrip() if output.strip() else "\n\n(the server printed nothing)")


def error_html(message: str, output: str) -> str:
    esc = html.escape
    shown = output.rstrip() or "(the server printed nothing)"
    return (
        '<div class="telescope-error" style="font:13px/1.4 system-ui,sans-serif;border-left:4px solid #d33;'
        'padding:4px 10px">'
        f"<div><b>{esc(message)}</b></div>"
        f'<pre style="white-space:pre-wrap;margin:6px 0 0">{esc(shown)}</pre>'
        "</div>"
    )


def list_text(items: list[Instance]) -> str:
    from telescope.cli.instances import format_table

    return format_table(items) if items else "No Telescope is running."


def list_html(items: list[Instance], urls: list[str]) -> str:
    from datetime import datetime

    if not items:
        return "<p>No Telescope is running.</p>"
    esc = html.escape
    rows = "".join(
        "<tr>"
        f"<td>{i.port}</td><td>{i.pid}</td>"
        f"<td>{esc(datetime.fromtimestamp(i.started).strftime('%Y-%m-%d %H:%M:%S'))}</td>"
        f"<td><code>{esc(i.logdir)}</code></td>"
        f'<td><a href="{esc(url)}" target="_blank" rel="noopener">{esc(url)}</a></td>'
        "</tr>"
        for i, url in zip(items, urls, strict=True)
    )
    return (
        '<table class="telescope-list"><thead><tr><th>port</th><th>pid</th><th>started</th><th>logdir</th>'
        f"<th>URL</th></tr></thead><tbody>{rows}</tbody></table>"
    )
