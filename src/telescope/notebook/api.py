"""The notebook API: ``start`` (or reuse) a server and show it in the cell, ``display`` a running one, ``list``
the running ones, and the ``%telescope`` line magic.

Entry point side of the pipeline (``telescope.notebook``): ``launch.py`` starts servers, ``frame.py`` renders what
the cell shows; this module talks to IPython (imported only when something is shown, so the package imports
without it).
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from telescope.cli import instances
from telescope.cli.instances import Instance
from telescope.notebook import frame
from telescope.notebook.launch import START_TIMEOUT, StartError, launch, reap, split_args


class Instances(builtins.list[Instance]):
    """The running servers; shown as a table in a notebook."""

    def __init__(self, items: Sequence[Instance] = (), *, proxy_url: str | None = None) -> None:
        super().__init__(items)
        self._proxy_url = proxy_url

    def __repr__(self) -> str:
        return frame.list_text(builtins.list(self))

    def _repr_html_(self) -> str:
        items = builtins.list(self)
        return frame.list_html(items, [frame.frame_url(i, proxy_url=self._proxy_url) for i in items])


def start(
    args: str | Sequence[str] = "",
    *,
    height: int = frame.DEFAULT_HEIGHT,
    timeout: float = START_TIMEOUT,
    show: bool = True,
    proxy_url: str | None = None,
) -> Instance:
    """Start a server with the ``telescope`` command's arguments (a string, as in ``"--logdir logs"``, or a list),
    or reuse the one already started with the same arguments from the same directory, and show it in the cell.

    Raises :class:`StartError` (with the server's output) if it exits or does not answer within ``timeout`` s.
    ``proxy_url`` is how the browser reaches the kernel's ports, e.g. ``"https://host/user/me/proxy/{port}/"``
    (default: ``TELESCOPE_PROXY_URL``, or JupyterHub's jupyter-server-proxy when present).
    """
    result = launch(split_args(args), timeout=timeout)
    if show:
        _show(
            result.instance,
            reused=result.reused,
            height=height,
            proxy_url=proxy_url,
            notes=frame.notes_from_output(result.output),
        )
    return result.instance


def display(port: int | None = None, *, height: int = frame.DEFAULT_HEIGHT, proxy_url: str | None = None) -> None:
    """Show a running server in the cell: the one on ``port``, or the most recently started one."""
    reap()
    running = instances.read_instances()
    if port is None:
        if not running:
            _publish("No Telescope is running. Start one with: %telescope --logdir DIR")
            return
        chosen = running[-1]
    else:
        matching = instances.find(running, port=port)
        if not matching:
            others = ", ".join(str(i.port) for i in running)
            hint = f" Running on port(s): {others}." if others else ""
            _publish(f"No Telescope is running on port {port}.{hint}")
            return
        chosen = matching[-1]
    _show(chosen, reused=True, height=height, proxy_url=proxy_url, notes=[])


def list_instances(*, proxy_url: str | None = None) -> Instances:
    """The running servers of this user (a list of :class:`Instance`, shown as a table)."""
    reap()
    return Instances(instances.read_instances(), proxy_url=proxy_url)


def _show(instance: Instance, *, reused: bool, height: int, proxy_url: str | None, notes: list[str]) -> None:
    if "google.colab" in sys.modules and not (proxy_url or frame.proxy_template()):
        _show_colab(instance, reused=reused, height=height, notes=notes)
        return
    url = frame.frame_url(instance, proxy_url=proxy_url)
    _publish(
        frame.text_view(instance, reused=reused, url=url, notes=notes),
        frame.html_view(instance, reused=reused, url=url, height=height, notes=notes),
    )


def _show_colab(instance: Instance, *, reused: bool, height: int, notes: list[str]) -> None:
    """Colab's browser reaches the kernel's ports only through Colab's own proxy, which its output module drives."""
    output: Any = importlib.import_module("google.colab.output")
    url = instance.url
    try:
        url = str(output.eval_js(f"google.colab.kernel.proxyPort({int(instance.port)}, {{cache: false}})"))
        url = url.rstrip("/") + instance.path_prefix + "/"
    except Exception:  # an older Colab: the frame below still works, only the printed URL is the kernel's
        pass
    text = frame.text_view(instance, reused=reused, url=url, notes=notes)
    _publish(text)
    output.serve_kernel_port_as_iframe(instance.port, path=instance.path_prefix + "/", height=height)


def _publish(text: str, html: str | None = None) -> None:
    try:
        ipython_display: Any = importlib.import_module("IPython.display").display
    except ImportError:  # not in IPython: nothing can be shown; start() still returns the instance
        return
    bundle = {"text/plain": text}
    if html is not None:
        bundle["text/html"] = html
    ipython_display(bundle, raw=True)


def _show_error(error: StartError) -> None:
    if error.exit_code == 0:  # e.g. --help or --version: their output is the answer
        _publish(error.output.rstrip() or error.message)
        return
    _publish(frame.error_text(error.message, error.output), frame.error_html(error.message, error.output))


def magic(line: str) -> None:
    """``%telescope ARGS`` (the ``telescope`` command's arguments), ``%telescope list``, ``%telescope stop PORT``."""
    try:
        argv = split_args(line)
    except ValueError as e:
        _publish(f"telescope: cannot read the arguments: {e}")
        return
    if argv[:1] == ["list"]:
        items = list_instances()
        _publish(repr(items), items._repr_html_())
        return
    if argv[:1] == ["stop"]:
        with contextlib.suppress(SystemExit):  # argparse's usage errors have been printed already
            instances.stop_main(argv[1:])
        return
    try:
        start(argv)
    except StartError as e:
        _show_error(e)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext telescope`` (or ``%load_ext telescope.notebook``): registers the ``%telescope`` magic."""
    ipython.register_magic_function(magic, magic_kind="line", magic_name="telescope")
