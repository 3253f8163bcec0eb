"""Execute the planner notebooks and keep their outputs, small: ``python tools/notebooks.py``.

Notebooks are committed with the outputs of one run, so that a code host shows
their figures and answers when they are browsed. The run uses
``SIM_NOTEBOOK_REPLICATIONS`` (``--replications``, default 10: the figures show
the method, the numbers say how many replications they rest on); the count is
recorded in each notebook's metadata (``caspian_sim.replications``). Execution
counts and per-cell timing metadata are dropped, so a rerun changes only what the
outputs say. ``tests/test_notebooks.py`` checks the kept outputs (figures present,
no error, small, no local paths) and, in the slow tests, still runs every notebook.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_REPLICATIONS = 10
CELL_TIMEOUT_S = 1800
#: Metadata key of the run whose outputs a notebook keeps.
META = "caspian_sim"


def execute(path: Path, replications: int) -> Any:
    """Run ``path`` top to bottom in a fresh kernel and return the executed notebook."""
    import nbclient
    import nbformat

    os.environ["SIM_NOTEBOOK_REPLICATIONS"] = str(replications)
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return notebook


def tidy(notebook: Any, replications: int) -> None:
    """Drop execution counts and timing metadata; record the replications of the run."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.execution_count = None
            for output in cell.outputs:
                if "execution_count" in output:
                    output["execution_count"] = None
    notebook.metadata[META] = {"replications": replications}
    notebook.metadata.pop("widgets", None)


def main(argv: Sequence[str] | None = None) -> int:
    """Execute every notebook (or those named) and write it back with its outputs."""
    import nbformat

    parser = argparse.ArgumentParser(prog="python tools/notebooks.py",
                                     description=(__doc__ or "").splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook file names (default: all)")
    parser.add_argument("--replications", type=int, default=DEFAULT_REPLICATIONS,
                        help=f"replications per point (default {DEFAULT_REPLICATIONS})")
    args = parser.parse_args(argv)
    paths = ([NOTEBOOKS / name for name in args.names] if args.names
             else sorted(NOTEBOOKS.glob("*.ipynb")))
    for path in paths:
        started = time.perf_counter()
        notebook = execute(path, args.replications)
        tidy(notebook, args.replications)
        nbformat.write(notebook, path)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KiB, "
              f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
