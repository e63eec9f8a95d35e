"""Telescope in Jupyter, JupyterLab, VS Code notebooks and Colab.

``%load_ext telescope`` then ``%telescope --logdir logs`` (the ``telescope`` command's flags) starts a server, or
reuses the one started with the same flags, and shows its UI in the cell. From Python: :func:`start`,
:func:`display` and :func:`list`. Entry point of the pipeline, beside ``telescope.cli`` (docs/notebook.md).
"""

from __future__ import annotations

from telescope.cli.instances import Instance
from telescope.notebook.api import Instances, display, list_instances, load_ipython_extension, start
from telescope.notebook.launch import StartError

list = list_instances  # the name users know from TensorBoard's notebook module

__all__ = ["Instance", "Instances", "StartError", "display", "list", "load_ipython_extension", "start"]
