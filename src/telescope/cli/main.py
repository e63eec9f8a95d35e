"""The ``telescope`` command.

telescope --logdir DIR [options]     serve a logdir
telescope serve DIR [options]        the same
telescope demo [options]             write a demo logdir and serve it
telescope list                       list the running Telescopes
telescope stop [...]                 stop running Telescopes
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from telescope import __version__
from telescope.settings import SETTINGS, Settings, env_defaults, make_settings

EXAMPLES = """\
examples:
  telescope --logdir logs/fit                 serve the runs under logs/fit at http://localhost:6006/
  telescope serve runs --port 8080            the same, another port
  telescope --logdir logs --bind-all          reachable from other machines (your runs become visible to them)
  telescope --logdir logs --reindex           rebuild the index from the event files
  telescope demo                              write a small demo logdir and serve it
  python -m telescope --logdir logs           the same as `telescope`
"""


def _say(message: str) -> None:
    print(message, file=sys.stderr if message.startswith("telescope: error") else sys.stdout, flush=True)


def _add_settings(parser: argparse.ArgumentParser, *, with_logdir: bool) -> None:
    for s in SETTINGS:
        if s.name == "logdir" and not with_logdir:
            continue
        flag = "--" + s.name.replace("_", "-")
        if s.type is bool:
            parser.add_argument(flag, action="store_true", default=argparse.SUPPRESS, help=s.help)
        else:
            default = "" if s.default is None else f" (default: {s.default})"
            parser.add_argument(flag, type=s.type, metavar=s.metavar, default=argparse.SUPPRESS, help=s.help + default)
            if s.name == "reload_interval":
                parser.add_argument(
                    "--reload_interval",
                    type=float,
                    dest="reload_interval",
                    default=argparse.SUPPRESS,
                    help=argparse.SUPPRESS,
                )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telescope",
        description="Telescope: watch, compare and share machine-learning runs from TensorBoard event files.",
        epilog="commands:\n  serve DIR    serve a logdir (same as --logdir DIR)\n"
        "  demo         write a demo logdir and serve it\n"
        "  list         list the running Telescopes (port, logdir, pid)\n"
        "  stop         stop running Telescopes (telescope stop --help)\n\n" + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"telescope {__version__}")
    _add_settings(parser, with_logdir=True)
    return parser


def build_serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telescope serve",
        description="Serve a logdir.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("logdir", metavar="DIR", help="directory holding event files")
    _add_settings(parser, with_logdir=False)
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
    _add_settings(parser, with_logdir=False)
    return parser


def _settings(ns: argparse.Namespace) -> Settings:
    values = {s.name: s.default for s in SETTINGS}
    values.update(env_defaults())
    values.update({k: v for k, v in vars(ns).items() if k in values})
    return make_settings(values)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "serve":
            ns = build_serve_parser().parse_args(args[1:])
            return _serve(_settings(ns))
        if args and args[0] == "demo":
            return _demo(build_demo_parser().parse_args(args[1:]))
        if args and args[0] == "list":
            from telescope.cli.instances import list_main

            return list_main(args[1:])
        if args and args[0] == "stop":
            from telescope.cli.instances import stop_main

            return stop_main(args[1:])
        parser = build_parser()
        ns = parser.parse_args(args)
        settings = _settings(ns)
        if settings.logdir is None:
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

    logdir = settings.logdir_path()
    assert logdir is not None
    if logdir.exists() and not logdir.is_dir():
        _say(
            f"telescope: error: the logdir {logdir} is a file, not a directory; "
            f"use the directory that holds it: --logdir {logdir.parent}"
        )
        return 2
    if not logdir.exists():
        _say(
            f"Warning: the logdir {logdir} does not exist yet. Telescope will show its runs as soon as it "
            "appears; press Ctrl-C if the path is wrong."
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
    values.setdefault("reindex", True)
    settings = _settings(argparse.Namespace(**values))
    live = LiveRun(logdir)
    live.start()
    try:
        return _serve(settings)
    finally:
        live.stop()
