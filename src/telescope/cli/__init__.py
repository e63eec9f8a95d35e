"""Entry points: the ``telescope`` command and ``python -m telescope``. Only this package and
``telescope.notebook`` talk to the terminal."""
