"""The planner notebooks: committed with the small outputs of one run, and they run top to bottom.

The kept outputs (``python tools/notebooks.py`` writes them) let a code host show
each notebook's figures and answers when it is browsed: they must hold a figure
and a computed answer, no error, no execution counts, no local machine path, and
stay small. Each notebook is also executed in a fresh kernel with
``SIM_NOTEBOOK_REPLICATIONS=4`` (a few replications per point, the notebooks' own
way of shrinking their runs); a failing cell fails the test. The execution needs
nbformat, nbclient and ipykernel; without them those tests are skipped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = {"capacity_curve.ipynb", "what_closes_the_gap.ipynb", "history.ipynb"}
SMALL_REPLICATIONS = "4"
CELL_TIMEOUT_S = 600
#: Largest committed notebook, outputs included (figures are PNG at the inline backend's dpi).
MAX_BYTES = 1_500_000
LOCAL_PATH = re.compile(r"(/work/|/tmp/|/home/|/root/|/Users/|[A-Z]:\\\\)")


def test_the_three_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_keeps_the_small_outputs_of_one_run(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert path.stat().st_size < MAX_BYTES, f"{path.name}: outputs too large"
    assert isinstance(notebook["metadata"]["caspian_sim"]["replications"], int), (
        f"{path.name}: run python tools/notebooks.py to keep the outputs of one run")
    outputs = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["execution_count"] is None, f"{path.name}: strip execution counts"
            outputs += cell["outputs"]
    assert not [o for o in outputs if o["output_type"] == "error"], f"{path.name}: an error"
    assert [o for o in outputs if "image/png" in o.get("data", {})], f"{path.name}: no figure"
    assert [o for o in outputs if "text/markdown" in o.get("data", {})], f"{path.name}: no answer"
    text = json.dumps(outputs)
    assert not LOCAL_PATH.search(text), f"{path.name}: a local path in the outputs"


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
