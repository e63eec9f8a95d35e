"""``python -m telescope``: the same as the ``telescope`` command."""

from telescope.cli.main import main

if __name__ == "__main__":  # worker processes import this module again; they must not start a server
    raise SystemExit(main())
