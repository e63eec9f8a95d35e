"""``python -m telescope``: the same as the ``telescope`` command."""

from telescope.cli.main import main

raise SystemExit(main())
