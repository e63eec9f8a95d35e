"""What a notebook cell shows: the address the browser can reach (directly, through a proxy), escaped HTML."""

from __future__ import annotations

import time

from telescope.cli.instances import Instance
from telescope.notebook import frame


def instance(port: int = 6006, *, logdir: str = "/data/logs", path_prefix: str = "") -> Instance:
    return Instance(
        id="abc",
        pid=4242,
        create_time=0.0,
        port=port,
        host="localhost",
        url=f"http://localhost:{port}{path_prefix}/",
        logdir=logdir,
        args=("--logdir", logdir),
        cwd="/data",
        started=time.time() - 120,
        version="0.1.0",
        path_prefix=path_prefix,
    )


def test_without_a_proxy_the_frame_opens_the_servers_own_url() -> None:
    assert frame.frame_url(instance(6007), environ={}) == "http://localhost:6007/"
    assert frame.frame_url(instance(6007, path_prefix="/tb"), environ={}) == "http://localhost:6007/tb/"


def test_an_explicit_proxy_url_wins() -> None:
    env = {frame.PROXY_ENV: "https://host/user/me/proxy/{port}/", frame.HUB_PREFIX_ENV: "/user/other/"}
    assert frame.frame_url(instance(6007), environ=env) == "https://host/user/me/proxy/6007/"
    assert frame.frame_url(instance(6007, path_prefix="/tb"), environ=env) == "https://host/user/me/proxy/6007/tb/"
    # The argument overrides the environment.
    assert frame.frame_url(instance(6008), proxy_url="/proxy/{port}", environ=env) == "/proxy/6008/"


def test_a_proxy_url_without_a_port_placeholder_gets_the_port_as_a_segment() -> None:
    assert frame.proxied_url("https://host/user/me/proxy", 6010) == "https://host/user/me/proxy/6010/"
    assert frame.proxied_url("https://host/user/me/proxy/", 6010, "/tb") == "https://host/user/me/proxy/6010/tb/"


def test_jupyterhub_with_server_proxy_is_used_only_when_installed() -> None:
    env = {frame.HUB_PREFIX_ENV: "/user/alice/"}
    assert frame.proxy_template(env, has_server_proxy=True) == "/user/alice/proxy/{port}/"
    assert frame.proxy_template(env, has_server_proxy=False) is None
    assert frame.proxy_template({}, has_server_proxy=True) is None


def test_html_is_escaped() -> None:
    evil = '/data/<script>alert("x")</script>'
    page = frame.html_view(instance(logdir=evil), reused=False, url='http://localhost:6006/?a="b"&c', height=640)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'src="http://localhost:6006/?a=&quot;b&quot;&amp;c"' in page
    assert "height:640px" in page
    error = frame.error_html("Telescope failed to start.", "<b>boom</b>")
    assert "<b>boom</b>" not in error and "&lt;b&gt;boom&lt;/b&gt;" in error


def test_text_view_says_whether_it_was_reused_and_how_to_stop_it() -> None:
    started = frame.text_view(instance(), reused=False, url="http://localhost:6006/", notes=["Port 6005 is in use."])
    assert started.splitlines()[0] == "Port 6005 is in use."
    assert "Telescope started on port 6006 (pid 4242) for /data/logs: http://localhost:6006/" in started
    assert "telescope stop 6006" in started
    reused = frame.text_view(instance(), reused=True, url="http://localhost:6006/")
    assert reused.startswith("Reusing the Telescope started 2 min ago on port 6006")


def test_notes_keep_what_a_user_should_read() -> None:
    output = (
        "Port 6006 is in use; using port 6007 instead.\n"
        "Telescope serving /data/logs at http://localhost:6007/ (index: /x). Press Ctrl-C to stop.\n"
        "Warning: the logdir /data/logs does not exist yet.\n"
    )
    assert frame.notes_from_output(output) == [
        "Port 6006 is in use; using port 6007 instead.",
        "Warning: the logdir /data/logs does not exist yet.",
    ]


def test_errors_say_when_the_server_printed_nothing() -> None:
    assert "(the server printed nothing)" in frame.error_text("Telescope failed to start (exit code 1).", "")
    assert frame.error_text("Failed.", "why\n") == "Failed.\n\nwhy"


def test_list_views() -> None:
    assert frame.list_text([]) == "No Telescope is running."
    assert "No Telescope is running." in frame.list_html([], [])
    page = frame.list_html([instance(6007)], ["https://host/proxy/6007/"])
    assert "<td>6007</td>" in page and 'href="https://host/proxy/6007/"' in page
