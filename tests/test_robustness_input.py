"""Every bad input is refused with one clear line: file, dotted path, value, what is allowed.

The corpus in ``tests/bad_scenarios/`` holds one malformed scenario per file and
``expected.tsv`` the fragments its message must contain. Files that are large,
binary or not UTF-8 are generated here instead of committed. Each refusal is an
exit code of 2, one ``error:`` line on stderr, nothing on stdout, no traceback
and no results directory.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ScenarioError
from sim.scenario.loader import load_scenario
from sim.scenario.toml_io import MAX_FILE_BYTES

CORPUS = Path(__file__).parent / "bad_scenarios"
BASE = str(Path(__file__).parent.parent / "scenarios" / "base.toml")


@dataclass(frozen=True)
class BadCase:
    """One corpus file and the fragments its error message must contain."""

    file: str
    names_file: str
    path: str
    value: str
    rule: str

    def fragments(self) -> list[str]:
        return [f for f in (self.names_file, self.path, self.value, self.rule) if f != "-"]


def corpus() -> list[BadCase]:
    lines = (line for line in (CORPUS / "expected.tsv").read_text().splitlines()
             if line and not line.startswith("#"))
    rows = list(csv.reader(lines, delimiter="\t"))
    return [BadCase(*row) for row in rows[1:]]


CASES = corpus()


def refuse(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the CLI in this process; assert a clean refusal and return the message."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == ""
    assert err.startswith("error: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_the_corpus_has_at_least_forty_cases_and_every_file_is_listed():
    listed = {case.file for case in CASES}
    on_disk = {p.name for p in CORPUS.glob("*.toml")}
    assert len(CASES) >= 40
    assert listed == on_disk


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_a_malformed_scenario_is_refused_naming_file_path_value_and_rule(case):
    with pytest.raises(ScenarioError) as info:
        load_scenario(CORPUS / case.file)
    message = str(info.value)
    for fragment in case.fragments():
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "\n" not in message


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_the_cli_refuses_it_with_exit_code_2_and_leaves_no_results_directory(
        case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    message = refuse(["sweep", str(CORPUS / case.file), "--out", str(out), "--jobs", "1"],
                     capsys)
    assert case.rule in message
    assert not out.exists()
    assert not (tmp_path / "runs").exists()


# --- files generated at test time ----------------------------------------------------------


def write_bytes(tmp_path: Path, data: bytes, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


GENERATED = {
    "huge file": (lambda: b"# padding\n" * (MAX_FILE_BYTES // 10 + 1),
                  "scenario files may be at most 1,000,000 bytes"),
    "binary file": (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
                    "not UTF-8 text"),
    "binary file that is valid UTF-8": (lambda: b"name = 1\x00\x00\x00",
                                        "binary file, not TOML text"),
    "latin-1 text": (lambda: 'name = "Aktau \u2013 Baku"\n'.encode("cp1252"),
                     "not UTF-8 text (byte 14)"),
    "UTF-16 text": (lambda: 'name = "x"\n'.encode("utf-16"), "not UTF-8 text"),
    "dotted key of 100,000 parts (would need ~40 GB in tomllib)":
        (lambda: (".".join(["a"] * 100_000) + " = 1\n").encode(),
         "a dotted key of 100,000 parts"),
    "arrays nested 5,000 deep": (lambda: b"x = " + b"[" * 5000 + b"]" * 5000,
                                 "nested too deeply"),
}


@pytest.mark.parametrize("name", GENERATED)
def test_generated_bad_files_are_refused_quickly(tmp_path, name):
    make, rule = GENERATED[name]
    path = write_bytes(tmp_path, make())
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match="s.toml") as info:
        load_scenario(path)
    assert rule in str(info.value)
    assert time.perf_counter() - started < 2.0


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = write_bytes(tmp_path, '\ufeffname = "bom"\n'.encode())
    assert load_scenario(path).scenario.name == "bom"


def test_a_directory_a_pipe_and_a_symlink_loop_are_not_scenario_files(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "dir.toml").mkdir()
    (tmp_path / "loop.toml").symlink_to(tmp_path / "loop.toml")
    expected = {"pipe.toml": "not a regular file", "dir.toml": "is a directory",
                "loop.toml": "not a usable file name"}
    for name, rule in expected.items():
        with pytest.raises(ScenarioError, match=rule):
            load_scenario(tmp_path / name)


def test_an_unreadable_file_is_refused(tmp_path):
    path = write_bytes(tmp_path, b'name = "secret"\n')
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root: chmod 0 does not stop root from reading")
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario(path)


def test_extends_outside_the_tree_is_allowed_only_when_asked(capsys):
    outside = str(CORPUS / "extends_outside_tree.toml")
    refuse(["show", outside], capsys)
    assert main(["show", outside, "--allow-outside-extends"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["name"] == "extends_outside_tree"  # its own stem, not its parent's name
    assert shown["sweep"]["parameters"]  # base's [sweep], inherited


# --- bad --set overrides -------------------------------------------------------------------

BAD_SETS = [
    (["fleet.tanker=3"], "fleet.tanker = 3", "did you mean 'fleet.tankers'?"),
    (["flet.tankers=3"], "flet", "did you mean 'fleet'?"),
    (["fleet=3"], "fleet = 3", "is a section"),
    (["fleet.tankers.count=3"], "fleet.tankers = 3", "is a value, not a section"),
    (["fleet.tankers"], "fleet.tankers", "expected PATH=VALUE"),
    (["=3"], "--set", "the path must be dotted field names"),
    (["fleet..tankers=3"], "fleet..tankers", "the path must be dotted field names"),
    (["fleet.tankers="], "fleet.tankers = ''", "valid integer"),
    (["fleet.tankers=six"], "fleet.tankers = 'six'", "valid integer"),
    (["fleet.tankers=true"], "fleet.tankers = true", "valid integer"),
    (["fleet.tankers=6.5"], "fleet.tankers = 6.5", "valid integer"),
    (["fleet.tankers=10000000"], "fleet.tankers = 10000000", "less than or equal to 500"),
    (["fleet.tankers=3\nfleet.cargo_t=1"], "fleet.tankers", "valid integer"),
    (["fleet.tankers={count = 3}"], "fleet.tankers", "valid integer"),
    (["run.horizon_days=nan"], "run.horizon_days = nan", "finite number"),
    (["run.horizon_days=inf"], "run.horizon_days = inf", "finite number"),
    (["run.horizon_days=-inf"], "run.horizon_days = -inf", "finite number"),
    (["run.horizon_days=0"], "run.horizon_days = 0", "greater than 0"),
    (["run.horizon_days=365000000"], "run.horizon_days", "less than or equal to 36500"),
    (["run.replications=100000", "run.horizon_days=36500"], "run.replications = 100000",
     "simulated years"),
    (["run.seed=-1"], "run.seed = -1", "greater than or equal to 0"),
    (["run.seed=" + "9" * 30], "run.seed", "less than or equal to 9223372036854775807"),
    (["run.seed=" + "9" * 5000], "run.seed", "valid integer"),
    (["aktau.weather.enabled=yes"], "aktau.weather.enabled = 'yes'", "valid boolean"),
    (["aktau.weather.enabled=1"], "aktau.weather.enabled = 1", "valid boolean"),
    (["aktau.weather.closure_days_per_month=[1, 2]"], "closure_days_per_month = [1, 2]",
     "at least 12"),
    (["russian_route.disruption.probability=1"], "probability = 1", "less than 1"),
    (["btc.disruption.probability=-0.5"], "probability = -0.5", "greater than or equal to 0"),
    (["russian_route.disruption.rate_per_year=400"], "rate_per_year = 400",
     "less than or equal to 365"),
    (["supply.transcaspian_nomination_mt_per_year=80"], "nomination_mt_per_year = 80",
     "must not exceed export_mt_per_year"),
    (["fleet.cargo_t=160000"], "fleet.cargo_t = 160000", "exceeds aktau.storage_t"),
    (["name="], "name = ''", "at least 1 character"),
    (["sweep.parameters=[1]"], "sweep.parameters.0 = 1", "must be a table"),
    (["sweep.replications=0"], "sweep.replications = 0", "greater than or equal to 1"),
]


@pytest.mark.parametrize(("overrides", "path", "rule"), BAD_SETS,
                         ids=[" ".join(o)[:40] for o, _, _ in BAD_SETS])
def test_a_bad_set_is_refused_naming_it(overrides, path, rule, capsys):
    argv = ["show", BASE]
    for item in overrides:
        argv += ["--set", item]
    message = refuse(argv, capsys)
    assert message.startswith("error: --set: ")
    assert path in message
    assert rule in message


# --- bad run and sweep arguments -----------------------------------------------------------

BAD_ARGUMENTS = [
    (["run", BASE, "--replications", "0"], "--replications = '0': must be at least 1"),
    (["run", BASE, "--replications", "x"], "--replications = 'x': must be a whole number"),
    (["run", BASE, "--replications", "1000000"],
     "--replications: run.replications = 1000000: Input should be less than or equal"),
    (["run", BASE, "--seed", "-1"], "--seed = '-1': must not be negative"),
    (["run", BASE, "--seed", "9" * 30], "--seed: run.seed = 999"),
    (["run", BASE, "--jobs", "0"], "--jobs = '0': must be at least 1"),
    (["run", BASE, "--jobs", "100000"], "more worker processes only add memory"),
    (["run"], "the following arguments are required: scenario"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["sweep", BASE, "--values", "1,2"], "give one --values for every --param"),
    (["sweep", BASE, "--param", "fleet.tankers"], "give one --values for every --param"),
    (["sweep", BASE, "--param", "fleet.tanker", "--values", "3"],
     "--param: fleet.tanker: unknown key; did you mean 'fleet.tankers'?"),
    (["sweep", BASE, "--param", "fleet", "--values", "3"], "is a section, not a field"),
    (["sweep", BASE, "--param", "run.seed", "--values", "1,2"], "cannot be swept (use --seed)"),
    (["sweep", BASE, "--param", "sweep.replications", "--values", "1,2"], "cannot be swept"),
    (["sweep", BASE, "--param", "fleet.tankers", "--values", "3,-1"],
     "--values: fleet.tankers = -1: Input should be greater than or equal to 0"),
    (["sweep", BASE, "--param", "fleet.tankers", "--values", "3,x"],
     "fleet.tankers = 'x': Input should be a valid integer"),
    (["sweep", BASE, "--param", "fleet.tankers", "--values", "0:x:3"],
     "expected START:STOP:COUNT with numbers"),
    (["sweep", BASE, "--param", "fleet.tankers", "--values", "0:10:0"], "COUNT must be 1..1000"),
    (["sweep", BASE, "--param", "fleet.tankers", "--values", "0:inf:3"],
     "START and STOP must be finite"),
    (["sweep", BASE, "--param", "fleet.tankers", "--values", ","],
     "give a comma-separated list or START:STOP:COUNT"),
    (["sweep", BASE, "--param", "fleet.tankers", "--values", ",".join(["6"] * 1001)],
     "at most 1000 values per parameter"),
    (["sweep", BASE, "--param", "fleet.tankers", "--values", "6", "--param", "fleet.tankers",
      "--values", "7"], "--param: fleet.tankers: the same field is given twice"),
    (["sweep", BASE, "--param", "fleet.tankers", "--values", "1:500:500", "--param",
      "aktau.berths", "--values", "1:100:100"], "a sweep may have at most 10,000 points"),
    (["sweep", BASE, "--param", "fleet.cargo_t", "--values", "8000,160000"],
     "fleet.cargo_t = 160000: exceeds aktau.storage_t"),
    (["sweep", BASE, "--param", "fleet.tankers", "--values", "0,1", "--param",
      "supply.transcaspian_nomination_mt_per_year", "--values", "6.5"],
     "fleet.tankers = 0: supply.transcaspian_nomination_mt_per_year is 6.5"),
    (["sweep", BASE, "--replications", "100000"], "a sweep may simulate at most 1,000,000"),
    (["sweep", BASE, "--replications", "200000"], "sweep.replications = 200000"),
    (["sweep", BASE, "--replications", "2", "--precision", "0.1"], "not allowed with argument"),
    (["sweep", BASE, "--precision", "-1"], "--precision = '-1': must be a positive finite"),
    (["sweep", BASE, "--precision", "nan"], "--precision = 'nan': must be a positive finite"),
    (["sweep", BASE, "--seed", "9" * 30], "--seed: run.seed = 999"),
    (["sweep", BASE, "--jobs", "100000"], "more worker processes only add memory"),
    (["sweep", BASE, "--executor", "threads"], "--executor: invalid choice: 'threads'"),
    (["sweep", BASE, "--on-error", "ignore"], "--on-error: invalid choice: 'ignore'"),
    (["sweep", BASE, "--scheduler", "tcp://x:1"], "--scheduler = 'tcp://x:1': needs --executor"),
    (["sweep", BASE, "--resume"], "--resume: needs --out DIR"),
]


@pytest.mark.parametrize(("argv", "fragment"), BAD_ARGUMENTS,
                         ids=[" ".join(a[2:] if len(a) > 2 else a)[:50] for a, _ in BAD_ARGUMENTS])
def test_a_bad_argument_is_refused_before_anything_is_written(
        argv, fragment, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    extra = ["--out", str(tmp_path / "out")] if argv[0] == "sweep" and "--resume" not in argv \
        else []
    message = refuse([*argv, *extra], capsys)
    assert fragment in message
    assert list(tmp_path.iterdir()) == []


def test_out_paths_that_cannot_hold_a_sweep_are_refused(tmp_path, capsys):
    file = tmp_path / "a-file"
    file.write_text("x")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    sweep = ["sweep", BASE, "--param", "fleet.tankers", "--values", "6", "--replications", "1",
             "--jobs", "1", "--no-figures", "--out"]
    assert "exists and is not a directory" in refuse([*sweep, str(file)], capsys)
    assert "holds no sweep" in refuse([*sweep, str(foreign)], capsys)
    assert "nothing to resume" in refuse([*sweep, str(tmp_path / "none"), "--resume"], capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "foreign"]
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("argv", [
    ["show", str(CORPUS / "broken_toml_unclosed_table.toml")],
    ["run", BASE, "--set", "russian_route.disruption.probability=1"],
    ["sweep", BASE, "--param", "fleet.tankers", "--values", "0:x:3"],
])
def test_a_real_process_exits_2_with_one_line_and_no_traceback(argv, tmp_path):
    done = subprocess.run([sys.executable, "-m", "sim", *argv], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: ")
    assert done.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


# --- scenario files are data ---------------------------------------------------------------

def test_code_in_a_scenario_file_is_only_ever_a_string(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    payload = "__import__('os').system('touch PWNED')"
    path = write_bytes(tmp_path, f'name = "{payload}"\ndescription = "{{{{7*7}}}}"\n'.encode())
    scenario = load_scenario(path).scenario
    assert scenario.name == payload
    assert scenario.description == "{{7*7}}"
    assert not (tmp_path / "PWNED").exists()


def test_extends_is_resolved_relative_to_the_scenario_not_the_working_directory(
        tmp_path, monkeypatch):
    (tmp_path / "study").mkdir()
    (tmp_path / "study" / "parent.toml").write_text('description = "parent"\n')
    child = tmp_path / "study" / "child.toml"
    child.write_text('extends = "parent.toml"\n')
    (tmp_path / "parent.toml").write_text('description = "decoy in the working directory"\n')
    monkeypatch.chdir(tmp_path)
    assert load_scenario(child).scenario.description == "parent"


def test_the_package_never_evaluates_or_unpickles_input():
    sources = Path(__file__).parent.parent.joinpath("sim").glob("*.py")
    for source in sources:
        text = source.read_text()
        for forbidden in ("eval(", "exec(", "pickle.load", "yaml.load", "__import__("):
            assert forbidden not in text, f"{source.name} uses {forbidden}"
