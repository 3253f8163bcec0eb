"""No silent surprises (issue 15, item 7).

A part from another sweep is never mixed in; one rule merges tables, whether they
come from ``extends`` or ``--set``; a field is swept once; names and paths from the
user are printed with their control characters escaped; a NaN among sweep values
is called what it is; an impossible ``--values`` range is refused without numpy's
warnings (warnings are errors in this suite).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sim.cli import main
from sim.experiments.parts import LABEL_KEY, PartLabel, part_table, read_part
from sim.scenario.loader import load_scenario
from tests.sweeps import BASE_FILE, interrupted_copy, same_tables, sweep_argv

ESCAPE = "\x1b[2J\x1b[H"  # clear the screen, cursor home
TOML_ESCAPE = "\\u001b[2J\\u001b[H"  # the same, written in a TOML string


@pytest.fixture
def whole(tiny_sweep) -> Path:
    return tiny_sweep


@pytest.fixture(scope="module")
def other_seed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("other") / "study"
    assert main(sweep_argv(out, "--seed", "7")) == 0
    return out


@pytest.fixture
def interrupted(whole, tmp_path) -> Path:
    return interrupted_copy(whole, tmp_path / "study")


# --- parts carry their sweep ---------------------------------------------------------------

def test_every_part_carries_its_sweep_point_replications_and_seed(whole):
    manifest = json.loads((whole / "manifest.json").read_text())
    for file in sorted((whole / "parts").glob("*.parquet")):
        frame, label = read_part(file)
        assert label is not None
        assert label.sweep_id == manifest["sweep_id"]
        assert label.seed == manifest["seed"]
        assert sorted(frame["replication"]) == sorted(label.replications)
        assert set(frame["point"]) == {label.point}


def test_a_part_from_another_sweep_with_another_seed_is_set_aside_and_rerun(
        interrupted, other_seed, whole, capsys):
    """The issue's case: copied in over this sweep's own part of the same name."""
    foreign = sorted((other_seed / "parts").glob("*.parquet"))[0]
    shutil.copy(foreign, interrupted / "parts" / foreign.name)
    capsys.readouterr()
    assert main(sweep_argv(interrupted, "--resume")) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "it belongs to another sweep" in err
    assert (interrupted / "parts" / f"{foreign.name}.foreign").exists()
    same_tables(whole, interrupted)


def _relabel(part: Path, **changes) -> None:
    frame, label = read_part(part)
    assert label is not None
    fields = {**label.__dict__, **changes}
    table = part_table(frame, PartLabel(**fields))
    import pyarrow.parquet as pq

    pq.write_table(table, part)


def _strip_label(part: Path) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(part)
    metadata = {k: v for k, v in (table.schema.metadata or {}).items() if k != LABEL_KEY}
    pq.write_table(table.replace_schema_metadata(metadata), part)


def _seed_column(part: Path) -> None:
    frame, label = read_part(part)
    assert label is not None
    frame["seed"] = 7
    import pyarrow.parquet as pq

    pq.write_table(part_table(frame, label), part)


FOREIGN_PARTS = {
    "a label of another sweep": (lambda p: _relabel(p, sweep_id="0" * 64),
                                 "it belongs to another sweep"),
    "a label with another seed": (lambda p: _relabel(p, seed=7), "it was run with seed 7"),
    "a label of a point the sweep lacks": (lambda p: _relabel(p, point=9),
                                           "its point 9 is not in this sweep"),
    "no label (another program or version)": (_strip_label, "it carries no sweep label"),
    "rows of another seed under a right label": (_seed_column, "rows are not of the point"),
    "a label naming other replications": (lambda p: _relabel(p, replications=(0, 1, 2, 3)),
                                          "file name does not match"),
}


#: The cases the fast loop keeps; the others run in the full suite.
QUICK_FOREIGN = {"a label of another sweep", "rows of another seed under a right label"}


@pytest.mark.parametrize("case", [
    pytest.param(case, marks=[] if case in QUICK_FOREIGN else [pytest.mark.slow])
    for case in FOREIGN_PARTS])
def test_a_part_that_is_not_this_sweeps_is_never_mixed_in(case, interrupted, whole, capsys):
    damage, reason = FOREIGN_PARTS[case]
    part = sorted((interrupted / "parts").glob("*.parquet"))[0]
    damage(part)
    capsys.readouterr()
    assert main(sweep_argv(interrupted, "--resume")) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert reason in err
    same_tables(whole, interrupted)


def test_a_part_copied_under_a_second_name_is_not_counted_twice(interrupted, whole, capsys):
    part = sorted((interrupted / "parts").glob("*.parquet"))[0]
    twin = part.with_name(part.name[:-len(".parquet")] + "-copy.parquet")
    shutil.copy(part, twin)
    assert main(sweep_argv(interrupted, "--resume")) == 0
    assert "file name does not match its label" in capsys.readouterr().err
    same_tables(whole, interrupted)


# --- one rule for merging ------------------------------------------------------------------

def test_set_of_a_whole_table_merges_like_extends(tmp_path):
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "{BASE_FILE}"\nname = "base"\n[run]\nhorizon_days = 5\n')
    by_extends = load_scenario(child, allow_outside_tree=True).scenario
    by_set = load_scenario(BASE_FILE, ["run={horizon_days=5}"]).scenario
    assert by_set == by_extends
    assert by_set.run.seed == 20231122  # the file's seed, not the default's
    assert by_set.run.replications == 100


def test_set_of_a_nested_table_merges_at_every_level_and_switches_alternatives():
    scenario = load_scenario(BASE_FILE, [
        "russian_route={disruption={rate_per_year=2.0}}"]).scenario
    disruption = scenario.russian_route.disruption
    assert (disruption.rate_per_year, disruption.probability) == (2.0, None)
    assert disruption.mean_duration_days == 56.4  # kept from the file
    assert disruption.clustering_cv == 1.5


@pytest.mark.parametrize("command", ["show", "sweep"])
def test_a_sweep_table_that_lists_a_field_twice_is_refused(command, tmp_path, capsys):
    scenario = tmp_path / "twice.toml"
    scenario.write_text(f'extends = "{BASE_FILE}"\n'
                        '[[sweep.parameters]]\npath = "fleet.tankers"\nvalues = [6, 7]\n'
                        '[[sweep.parameters]]\npath = "fleet.tankers"\nvalues = [8, 9]\n')
    extra = ["--out", str(tmp_path / "o")] if command == "sweep" else []
    assert main([command, str(scenario), "--allow-outside-extends", *extra]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: {scenario}: sweep.parameters.1.path = 'fleet.tankers': the same "
                   "field is swept twice (also sweep.parameters.0.path)\n")
    assert not (tmp_path / "o").exists()


def test_a_sweep_set_on_the_command_line_that_lists_a_field_twice_is_refused(capsys):
    item = ('sweep.parameters=[{path="aktau.berths", values=[3]}, '
            '{path="aktau.berths", values=[4]}]')
    assert main(["show", BASE_FILE, "--set", item]) == 2
    assert "the same field is swept twice" in capsys.readouterr().err


# --- output that cannot be forged ----------------------------------------------------------

def test_a_name_with_escape_sequences_is_printed_escaped_by_run(capsys):
    assert main(["run", BASE_FILE, "--set", f'name="{TOML_ESCAPE}forged"', "--replications", "2",
                 "--set", "run.horizon_days=5", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "Scenario \\x1b[2J\\x1b[Hforged (" in out


def test_swept_strings_with_escape_sequences_are_printed_escaped_by_sweep(tmp_path, capsys):
    assert main(["sweep", BASE_FILE, "--param", "name", "--values", f'"{TOML_ESCAPE}x","y\\n"',
                 "--replications", "1", "--set", "run.horizon_days=5", "--jobs", "1",
                 "--no-figures", "--out", str(tmp_path / f"o{ESCAPE}")]) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err
    assert "\\x1b[2J\\x1b[Hx" in out
    assert "Results in " in out
    # two header lines, two points, the footnote on one replication, blank line, where the
    # results are
    assert out.count("\n") == 7


def test_a_file_name_with_a_newline_cannot_forge_a_line_of_bound(tmp_path, capsys):
    scenario = tmp_path / "evil\nerror: forged.toml"
    shutil.copy(BASE_FILE, scenario)
    assert main(["bound", str(scenario)]) == 0
    out = capsys.readouterr().out
    assert not any(line.startswith("error: forged") for line in out.splitlines())
    assert "evil\\nerror: forged.toml" in out


def test_an_error_about_a_name_with_escape_sequences_is_one_escaped_line(tmp_path, capsys):
    out = tmp_path / "study"
    assert main(sweep_argv(out, "--set", f'name="{TOML_ESCAPE}a"')) == 0
    capsys.readouterr()
    assert main(sweep_argv(out, "--set", "fleet.cargo_t=8000")) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert err.count("\n") == 1
    assert "holds another sweep (\\x1b[2J\\x1b[Ha, id" in err


# --- NaN and impossible ranges -------------------------------------------------------------

@pytest.mark.parametrize(("values", "field"), [
    ("[0.1, nan]", "russian_route.disruption.probability"), ("[6, nan]", "fleet.tankers"),
    ("[true, nan]", "aktau.weather.enabled"), ("[inf]", "fleet.cargo_t"),
])
def test_a_nan_among_sweep_values_is_called_not_a_finite_number(values, field, tmp_path,
                                                                 capsys):
    scenario = tmp_path / "nan.toml"
    scenario.write_text(f'extends = "{BASE_FILE}"\n[[sweep.parameters]]\npath = "{field}"\n'
                        f"values = {values}\n")
    assert main(["show", str(scenario), "--allow-outside-extends"]) == 2
    err = capsys.readouterr().err
    assert "Input should be a finite number" in err
    assert "boolean" not in err
    assert ".bool" not in err


@pytest.mark.parametrize("text", ["0.1,nan", "nan", "inf,1", "-inf"])
def test_a_nan_in_values_on_the_command_line_is_called_not_a_finite_number(text, capsys):
    assert main(["sweep", BASE_FILE, "--param", "aktau.weather.enabled", f"--values={text}"]) == 2
    assert "sweep values must be finite numbers" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["1e308:-1e308:5", "-1.7e308:1.7e308:3", "1e308:-1e308:1000"])
def test_an_out_of_range_values_range_is_one_line_without_numpy_warnings(text, tmp_path, capsys):
    assert main(["sweep", BASE_FILE, "--param", "russian_route.disruption.probability",
                 f"--values={text}", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "too far apart to space evenly" in err
