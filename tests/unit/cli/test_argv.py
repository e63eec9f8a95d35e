"""Flags mangled on their way to the terminal get "did you mean --logdir?" with the command line to type."""

from __future__ import annotations

import pytest

from telescope.cli.argv import correct_argv
from telescope.cli.main import build_demo_parser, build_parser, build_serve_parser, flags_of, main

FLAGS = flags_of(build_parser())


@pytest.mark.parametrize(
    ("argv", "wrong", "flag", "fixed"),
    [
        (["\u2014logdir", "logs"], "\u2014logdir", "--logdir", ["--logdir", "logs"]),  # em dash (macOS, Word, Slack)
        (["\u2013logdir", "logs"], "\u2013logdir", "--logdir", ["--logdir", "logs"]),  # en dash
        (["\u2013", "logdir", "logs"], "\u2013 logdir", "--logdir", ["--logdir", "logs"]),  # en dash typed apart
        (["\u2014logdir=logs", "--port", "7"], "\u2014logdir=logs", "--logdir", ["--logdir=logs", "--port", "7"]),
        (["-\u2014logdir", "x"], "-\u2014logdir", "--logdir", ["--logdir", "x"]),
        (["--logdir", "x", "\u2014port", "7"], "\u2014port", "--port", ["--logdir", "x", "--port", "7"]),
        (["\u2212\u2212logdir_spec", "a:x"], "\u2212\u2212logdir_spec", "--logdir-spec", ["--logdir-spec", "a:x"]),
        (["logdir=x"], "logdir=x", "--logdir", ["--logdir=x"]),
        (["logdir", "x"], "logdir", "--logdir", ["--logdir", "x"]),
        (["-logdir", "x"], "-logdir", "--logdir", ["--logdir", "x"]),
        (["--logdir", "x", "-reload_interval", "5"], "-reload_interval", "--reload-interval",
         ["--logdir", "x", "--reload-interval", "5"]),
        (["--logdir", "x", "bind_all=1"], "bind_all=1", "--bind-all", ["--logdir", "x", "--bind-all"]),
        (["--logidr", "x"], "--logidr", "--logdir", ["--logdir", "x"]),
    ],
)  # fmt: skip
def test_mangled_flags_are_corrected(argv: list[str], wrong: str, flag: str, fixed: list[str]) -> None:
    fix = correct_argv(argv, FLAGS)
    assert fix is not None
    assert (fix.wrong, fix.flag, fix.argv) == (wrong, flag, fixed)


@pytest.mark.parametrize(
    "argv",
    [
        ["--logdir", "logs"],
        ["--logdir", "logdir=x"],  # the value of --logdir, whatever it looks like
        ["--logdir", "-logdir"],
        ["--logdir_spec", "a:x,b:y", "--bind_all"],
        ["--log", "x"],  # argparse takes unambiguous prefixes
        ["--", "logdir=x"],
        ["--help"],
    ],
)
def test_well_formed_argv_is_left_alone(argv: list[str]) -> None:
    assert correct_argv(argv, FLAGS) is None


def test_serve_takes_a_directory_named_like_a_flag() -> None:
    assert correct_argv(["logdir"], flags_of(build_serve_parser()), positionals=True) is None
    assert correct_argv(["port"], FLAGS) is None  # nothing follows: not a flag missing its value either


def test_the_message_gives_the_command_to_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["\u2014logdir", "my logs/fit", "--port", "7000"]) == 2
    err = capsys.readouterr().err
    assert "did you mean --logdir?" in err
    assert "long dash" in err
    assert "telescope --logdir 'my logs/fit' --port 7000" in err


def test_subcommands_are_checked_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "logs", "\u2014port", "7000"]) == 2
    assert "telescope serve logs --port 7000" in capsys.readouterr().err
    assert main(["demo", "-no-serve"]) == 2
    assert "telescope demo --no-serve" in capsys.readouterr().err
    assert flags_of(build_demo_parser())["no-serve"] is False
