"""The ``telescope`` command: parses the command line and hands over to the server, the demo, the instance
commands or the diagnosis (see docs/cli.md).

telescope --logdir DIR [--logdir DIR ...] [options]   serve one logdir, or several side by side
telescope --logdir_spec name1:DIR1,name2:DIR2          several logdirs, named as TensorBoard takes them
telescope serve DIR [DIR ...] [options]                the same as --logdir
telescope demo [options]                               write a demo logdir and serve it
telescope diagnose --logdir DIR                        say what Telescope sees in a logdir, and what is wrong
telescope list                                         list the running Telescopes
telescope stop [...]                                   stop running Telescopes
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from telescope import __version__
from telescope.cli.argv import correct_argv
from telescope.logdirs import LogdirError, drive_note
from telescope.settings import SETTINGS, Settings, env_defaults, make_settings

EXAMPLES = """\
examples:
  telescope --logdir logs/fit                 serve the runs under logs/fit at http://localhost:6006/
  telescope serve runs --port 8080            the same, another port
  telescope --logdir logs/a --logdir logs/b   two logdirs side by side: runs are named a/..., b/...
  telescope --logdir_spec base:logs/a,new:/data/b
                                              the same with names of your own: base/..., new/...
  telescope --logdir logs --bind-all          reachable from other machines (your runs become visible to them)
  telescope --logdir logs --reindex           rebuild the index from the event files
  telescope diagnose --logdir logs            what Telescope finds in logs, and how to fix what is wrong
  telescope demo                              write a small demo logdir and serve it
  python -m telescope --logdir logs           the same as `telescope`
"""

COMMANDS = """\
commands:
  serve DIR...   serve logdirs (same as --logdir DIR...)
  demo           write a demo logdir and serve it
  diagnose       say what Telescope sees in a logdir: runs, kinds of data, damaged files, the index, the port
  list           list the running Telescopes (port, logdir, pid)
  stop           stop running Telescopes (telescope stop --help)

"""


def _say(message: str) -> None:
    print(message, file=sys.stderr if message.startswith("telescope: error") else sys.stdout, flush=True)


def _add_settings(parser: argparse.ArgumentParser, *, skip: tuple[str, ...] = ()) -> None:
    for s in SETTINGS:
        if s.name in skip:
            continue
        flag = "--" + s.name.replace("_", "-")
        # TensorBoard spells its flags with underscores (--logdir_spec, --reload_interval, --bind_all): both work.
        alias = ["--" + s.name] if "_" in s.name else []
        if s.type is bool:
            parser.add_argument(flag, action="store_true", default=argparse.SUPPRESS, help=s.help)
            for a in alias:
                parser.add_argument(
                    a, action="store_true", dest=s.name, default=argparse.SUPPRESS, help=argparse.SUPPRESS
                )
        elif s.name == "logdir":
            parser.add_argument(flag, action="append", metavar=s.metavar, default=argparse.SUPPRESS, help=s.help)
        else:
            default = "" if s.default in (None, "") else f" (default: {s.default})"
            parser.add_argument(flag, type=s.type, metavar=s.metavar, default=argparse.SUPPRESS, help=s.help + default)
            for a in alias:
                parser.add_argument(a, type=s.type, dest=s.name, default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def flags_of(parser: argparse.ArgumentParser) -> dict[str, bool]:
    """The long flags of ``parser`` without their dashes, each with whether it takes a value."""
    out: dict[str, bool] = {}
    for action in parser._actions:
        for opt in action.option_strings:
            if opt.startswith("--"):
                out[opt[2:]] = action.nargs != 0
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telescope",
        description="Telescope: watch, compare and share machine-learning runs from TensorBoard event files.",
        epilog=COMMANDS + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"telescope {__version__}")
    _add_settings(parser)
    return parser


def build_serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telescope serve",
        description="Serve one logdir, or several side by side.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "logdir",
        metavar="DIR",
        nargs="+",
        help="directory holding event files; several are served side by side (NAME:DIR names one)",
    )
    _add_settings(parser, skip=("logdir",))
    return parser


def build_demo_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telescope demo",
        description="Write a small demo logdir (several runs, train/validation, a few tags, one live run) "
        "and serve it.",
    )
    parser.add_argument(
        "--logdir",
        metavar="DIR",
        default=None,
        help="where to write the demo runs (default: a folder in the user cache)",
    )
    parser.add_argument("--no-serve", action="store_true", help="only write the logdir and print its path")
    _add_settings(parser, skip=("logdir", "logdir_spec"))
    return parser


def _settings(ns: argparse.Namespace) -> Settings:
    values = {s.name: s.default for s in SETTINGS}
    values.update(env_defaults())
    values.update({k: v for k, v in vars(ns).items() if k in values})
    return make_settings(values)


def _check_argv(parser: argparse.ArgumentParser, args: Sequence[str], *, positionals: bool = False) -> bool:
    """Say "did you mean --logdir?" for a flag typed with a long dash or without its dashes; False if so."""
    fix = correct_argv(args, flags_of(parser), positionals=positionals)
    if fix is None:
        return True
    _say(fix.message(prog=parser.prog))
    return False


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "serve":
            serve_parser = build_serve_parser()
            if not _check_argv(serve_parser, args[1:], positionals=True):
                return 2
            return _serve(_settings(serve_parser.parse_args(args[1:])))
        if args and args[0] == "demo":
            demo_parser = build_demo_parser()
            if not _check_argv(demo_parser, args[1:]):
                return 2
            return _demo(demo_parser.parse_args(args[1:]))
        if args and args[0] == "diagnose":
            from telescope.cli.diagnose import diagnose_main

            return diagnose_main(args[1:])
        if args and args[0] == "list":
            from telescope.cli.instances import list_main

            return list_main(args[1:])
        if args and args[0] == "stop":
            from telescope.cli.instances import stop_main

            return stop_main(args[1:])
        parser = build_parser()
        if not _check_argv(parser, args):
            return 2
        ns = parser.parse_args(args)
        settings = _settings(ns)
        try:
            given = settings.logdir_entries()
        except LogdirError as e:
            _say(f"telescope: error: {e}")
            return 2
        if not given:
            parser.print_usage(sys.stderr)
            _say(
                "telescope: error: --logdir is required (for example: telescope --logdir logs/fit), "
                "or run `telescope demo` to see Telescope on demo data."
            )
            return 2
        return _serve(settings)
    except KeyboardInterrupt:
        return 130


def _serve(settings: Settings) -> int:
    from telescope.cli.serve import serve
    from telescope.errors import StoreError

    try:
        logdirs = settings.logdirs()
    except LogdirError as e:
        _say(f"telescope: error: {e}")
        return 2
    for name, logdir in logdirs:
        label = f"the logdir {name!r} ({logdir})" if name else f"the logdir {logdir}"
        if logdir.exists() and not logdir.is_dir():
            _say(
                f"telescope: error: {label} is a file, not a directory; "
                f"use the directory that holds it: --logdir {logdir.parent}"
            )
            return 2
        if not logdir.exists():
            _say(
                f"Warning: {label} does not exist yet. Telescope will show its runs as soon as it "
                f"appears; press Ctrl-C if the path is wrong.{drive_note(logdir)}"
            )
    try:
        return serve(settings, say=_say)
    except StoreError as e:
        _say(f"telescope: error: {e}")
        return 1


def _demo(ns: argparse.Namespace) -> int:
    import platformdirs

    from telescope.cli.demo import LiveRun, write_demo

    logdir = Path(ns.logdir) if ns.logdir else Path(platformdirs.user_cache_dir("telescope")) / "demo-logdir"
    if logdir.exists() and any(logdir.iterdir()):
        import shutil

        marker = logdir / ".telescope-demo"
        if not marker.exists():
            _say(f"telescope: error: {logdir} exists and is not a Telescope demo folder; choose another --logdir")
            return 2
        shutil.rmtree(logdir)
    logdir.mkdir(parents=True, exist_ok=True)
    (logdir / ".telescope-demo").write_text("written by `telescope demo`\n", encoding="utf-8")
    _say(f"Writing demo runs to {logdir} ...")
    write_demo(logdir)
    if ns.no_serve:
        _say(str(logdir))
        return 0
    values = vars(ns)
    values["logdir"] = str(logdir)
    values["logdir_spec"] = None  # the demo serves its own logdir only, whatever TELESCOPE_LOGDIR_SPEC says
    values.setdefault("reindex", True)
    settings = _settings(argparse.Namespace(**values))
    live = LiveRun(logdir)
    live.start()
    try:
        return _serve(settings)
    finally:
        live.stop()
