"""Reading logdirs as typed: names, Windows paths, quotes, ~, relative paths, several logdirs, TensorBoard's
--logdir_spec. Windows paths are parsed with ``ntpath``, so these run on any machine."""

from __future__ import annotations

import ntpath
import os
from pathlib import Path

import pytest

from telescope.logdirs import (
    LogdirEntry,
    LogdirError,
    auto_name,
    drive_note,
    logdir_set,
    parse_spec,
    resolve_path,
    spec_text,
    split_named,
    strip_quotes,
)
from telescope.settings import Settings, make_settings

WIN_CWD = "C:\\Users\\ada\\project"
WIN_HOME = "C:\\Users\\ada"


def win_resolve(typed: str) -> str:
    return resolve_path(typed, cwd=WIN_CWD, home=WIN_HOME, pathmod=ntpath)


def win_set(entries: list[LogdirEntry]) -> list[tuple[str, str]]:
    return logdir_set(entries, cwd=WIN_CWD, home=WIN_HOME, pathmod=ntpath)


@pytest.mark.parametrize(
    "typed",
    ["C:\\logs\\fit", "D:/runs", "c:\\logs", "E:", "D:\\", "\\\\server\\share\\logs", "gs://bucket/logs"],
)
def test_windows_paths_and_urls_are_never_names(typed: str) -> None:
    # The same on every platform: this test runs on Linux and reads these as Windows would.
    assert split_named(typed) == LogdirEntry(None, typed)
    assert parse_spec(f"{typed},other")[0] == LogdirEntry(None, typed)


def test_one_letter_names_are_names_only_without_a_drive_slash() -> None:
    # TensorBoard on Linux would read "a:/data/a" as the name a; here it is the drive a:, whatever the platform.
    assert split_named("a:/data/a") == LogdirEntry(None, "a:/data/a")
    assert split_named("a:data/a") == LogdirEntry("a", "data/a")
    assert split_named("ab:/data/a") == LogdirEntry("ab", "/data/a")


@pytest.mark.parametrize(
    ("typed", "name", "path"),
    [
        ("base:logs/a", "base", "logs/a"),
        ("base:C:\\logs\\fit", "base", "C:\\logs\\fit"),
        ("new:D:/runs", "new", "D:/runs"),
        ("remote:gs://bucket/logs", "remote", "gs://bucket/logs"),
        ("lr 0.1:~/runs", "lr 0.1", "~/runs"),
        ("'base:logs/a'", "base", "logs/a"),
        ('base:"C:\\My Logs\\fit"', "base", "C:\\My Logs\\fit"),
    ],
)
def test_named_logdirs(typed: str, name: str, path: str) -> None:
    assert split_named(typed) == LogdirEntry(name, path)


@pytest.mark.parametrize("typed", ["logs/run:1", "./a:b", "~/x:y", "..\\a:b"])
def test_a_colon_after_a_separator_is_part_of_the_path(typed: str) -> None:
    assert split_named(typed) == LogdirEntry(None, typed)


def test_an_existing_path_with_a_colon_is_not_a_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    odd = tmp_path / "logs:2024"
    odd.mkdir()
    monkeypatch.chdir(tmp_path)
    assert split_named("logs:2024", exists=os.path.exists) == LogdirEntry(None, "logs:2024")
    assert split_named("logs:2025", exists=os.path.exists) == LogdirEntry("logs", "2025")


def test_a_name_without_a_path_is_an_error() -> None:
    with pytest.raises(LogdirError, match="no path after the colon"):
        split_named("base:")


@pytest.mark.parametrize(
    ("typed", "plain"),
    [("'logs'", "logs"), ('"logs"', "logs"), (" \"'logs'\" ", "logs"), ("\u201clogs\u201d", "logs"), ("'a", "'a")],
)
def test_surrounding_quotes_are_stripped(typed: str, plain: str) -> None:
    assert strip_quotes(typed) == plain


def test_spec_items_names_and_quoted_commas() -> None:
    assert parse_spec("a:logs/a,b:C:\\logs\\b, c:'x,y' ,D:/runs,") == [
        LogdirEntry("a", "logs/a"),
        LogdirEntry("b", "C:\\logs\\b"),
        LogdirEntry("c", "x,y"),
        LogdirEntry(None, "D:/runs"),
    ]
    with pytest.raises(LogdirError, match="names no logdir"):
        parse_spec(" , ")


@pytest.mark.parametrize(
    ("typed", "resolved"),
    [
        ("C:\\logs\\fit", "C:\\logs\\fit"),
        ("D:/runs", "D:\\runs"),  # another drive than the current directory's
        ("logs\\fit", "C:\\Users\\ada\\project\\logs\\fit"),
        ("logs/fit/", "C:\\Users\\ada\\project\\logs\\fit"),
        ("..\\other", "C:\\Users\\ada\\other"),
        ("~\\runs", "C:\\Users\\ada\\runs"),
        ("~/runs", "C:\\Users\\ada\\runs"),
        ('"C:\\My Logs\\fit"', "C:\\My Logs\\fit"),
        ("\\\\server\\share\\logs", "\\\\server\\share\\logs"),
    ],
)
def test_windows_paths_resolve(typed: str, resolved: str) -> None:
    assert win_resolve(typed) == resolved


def test_posix_paths_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_path("logs/fit") == str(tmp_path.resolve() / "logs" / "fit")
    assert resolve_path("'~/runs'") == str(tmp_path.resolve() / "home" / "runs")
    assert resolve_path("/a/b/../c", cwd="/x") == "/a/c"
    assert resolve_path("gs://bucket/logs") == "gs://bucket/logs"


def test_one_unnamed_logdir_has_no_name() -> None:
    assert win_set([LogdirEntry(None, "logs\\fit")]) == [("", "C:\\Users\\ada\\project\\logs\\fit")]


def test_several_unnamed_logdirs_are_named_after_their_directories() -> None:
    entries = [
        LogdirEntry(None, "C:\\logs\\fit"),
        LogdirEntry(None, "D:/runs"),
        LogdirEntry(None, "..\\logs\\fit"),
        LogdirEntry(None, "E:\\"),
        LogdirEntry(None, "C:\\logs\\fit"),  # the same logdir twice counts once
    ]
    assert win_set(entries) == [
        ("logs-fit", "C:\\logs\\fit"),  # two "fit": the parent's name goes in front...
        ("runs", "D:\\runs"),
        ("logs-fit-2", "C:\\Users\\ada\\logs\\fit"),  # ...then a number
        ("E", "E:\\"),
    ]


def test_given_names_win_and_unnamed_ones_avoid_them() -> None:
    entries = [LogdirEntry("fit", "/data/a"), LogdirEntry(None, "/data/b/fit"), LogdirEntry(None, "/data/.hidden")]
    assert logdir_set(entries, cwd="/") == [("fit", "/data/a"), ("b-fit", "/data/b/fit"), ("hidden", "/data/.hidden")]
    assert logdir_set([LogdirEntry("only", "/data/a")], cwd="/") == [("only", "/data/a")]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([LogdirEntry("a", "/x"), LogdirEntry("a", "/y")], "two logdirs are named 'a'"),
        ([LogdirEntry(".git", "/x"), LogdirEntry(None, "/y")], "starts with a dot"),
        ([LogdirEntry("a b\\c", "/x"), LogdirEntry(None, "/y")], "contains"),
        ([LogdirEntry("..", "/x"), LogdirEntry(None, "/y")], "cannot name a logdir"),
    ],
)
def test_bad_names_are_explained(entries: list[LogdirEntry], message: str) -> None:
    with pytest.raises(LogdirError, match=message):
        logdir_set(entries, cwd="/")


def test_auto_names() -> None:
    assert auto_name("/data/logs/fit") == "fit"
    assert auto_name("/") == "root"
    assert auto_name("C:\\", pathmod=ntpath) == "C"
    assert auto_name("gs://bucket/logs/") == "logs"


def test_spec_text_round_trips() -> None:
    assert spec_text([("", "/data/a")]) == "/data/a"
    pairs = [("a", "/data/a"), ("b", "C:\\logs"), ("base", "/data/x,y"), ("new", "D:/runs")]
    text = spec_text(pairs)
    assert text == 'a:"/data/a",b:"C:\\logs",base:"/data/x,y",new:D:/runs'
    assert parse_spec(text) == [LogdirEntry(n, p) for n, p in pairs]


def test_settings_read_every_logdir_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    here = tmp_path.resolve()
    single = Settings(logdir="logs/fit")
    assert single.logdirs() == [("", here / "logs" / "fit")]
    assert single.logdir_path() == here / "logs" / "fit"
    assert single.logdir_text() == str(here / "logs" / "fit")
    several = make_settings({"logdir": ["a/fit", "base:b"], "logdir_spec": "'new:/data/c',d"})
    assert several.logdirs() == [
        ("fit", here / "a" / "fit"),
        ("base", here / "b"),
        ("new", Path("/data/c")),
        ("d", here / "d"),
    ]
    assert several.logdir_path() is None
    assert several.logdir_text() == f'fit:{here}/a/fit,base:{here}/b,new:/data/c,d:"{here}/d"'
    assert Settings(logdir_spec="xy:/data/x").logdirs() == [("xy", Path("/data/x"))]
    assert Settings(logdir_spec="x:/data/x").logdirs() == [("", Path("x:/data/x").resolve())]
    assert Settings().logdirs() == []


def test_a_missing_logdir_through_a_drive_says_how_to_name_it() -> None:
    note = drive_note("/home/me/x:/data/x")
    assert "Windows drive x:" in note and "xx:/data/x" in note
    assert drive_note("/home/me/logs:2024/fit") == ""
    assert drive_note("/home/me/logs") == ""
