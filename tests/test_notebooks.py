"""The planner notebooks: committed without outputs, and they run top to bottom.

Each notebook is executed in a fresh kernel with ``SIM_NOTEBOOK_REPLICATIONS=4``
(a few replications per point, the notebooks' own way of shrinking their runs);
a failing cell fails the test. The execution needs nbformat, nbclient and
ipykernel; without them those tests are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = {"capacity_curve.ipynb", "what_closes_the_gap.ipynb", "history.ipynb"}
SMALL_REPLICATIONS = "4"
CELL_TIMEOUT_S = 600


def test_the_three_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: strip outputs before committing"
            assert cell["execution_count"] is None, f"{path.name}: strip execution counts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_reads_its_replication_count_from_the_environment(path):
    assert "SIM_NOTEBOOK_REPLICATIONS" in path.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("SIM_NOTEBOOK_REPLICATIONS", SMALL_REPLICATIONS)
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError naming the failing cell
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    answers = [o for o in outputs if "text/markdown" in o.get("data", {})]
    assert figures, f"{path.name} drew no figure"
    assert answers, f"{path.name} printed no computed answer"
