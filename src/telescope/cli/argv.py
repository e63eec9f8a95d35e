"""Flags mangled on their way to the terminal: ``—logdir`` (a Unicode dash from a web page or chat app),
``-logdir x``, ``logdir=x``, ``--logidr``. ``telescope`` checks argv with :func:`correct_argv`
before parsing it and answers "did you mean --logdir?" with the command line meant.

Entry-point side of the pipeline; everything here works on strings.
"""

from __future__ import annotations

import difflib
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Characters that editors, word processors and chat apps put where "-" or "--" was typed.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


@dataclass(frozen=True)
class ArgvCorrection:
    """What was wrong in argv and the command line the user probably meant."""

    wrong: str  # the item as typed
    flag: str  # the flag meant, e.g. --logdir
    reason: str
    argv: list[str]  # argv with the correction applied

    def message(self, prog: str = "telescope") -> str:
        """The error to print; ``prog`` is the command before argv (``telescope serve``)."""
        return (
            f"telescope: error: {self.wrong!r} {self.reason}; did you mean {self.flag}?\n"
            f"  {prog} {command_line(self.argv)}"
        )


def command_line(argv: Sequence[str]) -> str:
    """``argv`` as the user would type it in this machine's shell."""
    return subprocess.list2cmdline(list(argv)) if sys.platform == "win32" else shlex.join(argv)


def _flag_name(word: str) -> str:
    return word.replace("_", "-")


def correct_argv(argv: Sequence[str], flags: Mapping[str, bool], *, positionals: bool = False) -> ArgvCorrection | None:
    """The first flag in ``argv`` typed with a Unicode dash (``\u2014logdir``, ``\u2013 logdir``), one dash
    (``-logdir x``) or none (``logdir=x``; ``logdir x`` too when the command takes no ``positionals``), or
    misspelt (``--logidr``), with the corrected argv; None when argv looks right. ``flags`` maps the long flags
    without dashes (``logdir``, ``port``...; ``_`` and ``-`` count as the same) to whether they take a value."""
    known = {_flag_name(f): takes for f, takes in flags.items()}
    args = list(argv)
    long_dash = "starts with a long dash (some editors and chat apps turn -- into \u2014)"

    def fix(i: int, n: int, wrong: str, name: str, eq: str, value: str, reason: str) -> ArgvCorrection:
        flag = f"--{_flag_name(name)}"
        if not known.get(_flag_name(name), True):
            eq = value = ""  # a switch: "bind_all=1" means --bind-all
        return ArgvCorrection(wrong, flag, reason, [*args[:i], f"{flag}{eq}{value}", *args[i + n :]])

    for i, item in enumerate(args):
        if item == "--":
            return None  # everything after it is positional
        if i > 0:
            prev = args[i - 1]
            if prev.startswith("--") and "=" not in prev and known.get(_flag_name(prev[2:]), False):
                continue  # the value of the flag before it, whatever it looks like
        stripped = item.lstrip("-" + _DASHES)
        lead = item[: len(item) - len(stripped)]
        name, eq, value = stripped.partition("=")
        if any(c in _DASHES for c in lead):
            if not stripped and i + 1 < len(args):
                # "\u2013 logdir x": the dash was typed apart from the flag's name.
                nxt_name, nxt_eq, nxt_value = args[i + 1].partition("=")
                if _flag_name(nxt_name) in known:
                    return fix(i, 2, f"{item} {args[i + 1]}", nxt_name, nxt_eq, nxt_value, long_dash)
            if _flag_name(name) in known:
                return fix(i, 1, item, name, eq, value, long_dash)
            continue
        if lead == "-" and len(name) > 1 and _flag_name(name) in known:
            return fix(i, 1, item, name, eq, value, "has one dash; long flags take two")
        if not lead and _flag_name(name) in known and (eq or (not positionals and i + 1 < len(args))):
            return fix(i, 1, item, name, eq, value, "is missing the -- of a flag")
        if lead == "--" and name and not any(k.startswith(_flag_name(name)) for k in known):
            if name in ("help", "version"):
                continue
            close = difflib.get_close_matches(_flag_name(name), sorted(known), n=1, cutoff=0.75)
            if close:
                return fix(i, 1, item, close[0], eq, value, "is not a flag of telescope")
    return None
