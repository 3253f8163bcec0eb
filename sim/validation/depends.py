"""The validation report's "What the answer depends on": a digest of docs/sensitivity.md.

``tools/sensitivity_report.py`` writes the sensitivity document (one-at-a-time ends
of every estimate's range, paired replications); the validation report restates its
findings per scenario, so a reader of the validation sees, beside what the model
matches, which unsourced estimates the answer rests on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Leading inputs restated per scenario.
TOP = 3
_HEADING = re.compile(r"^### `(?P<name>[^`]+)`$")
_ROW = re.compile(r"^\| (?P<rank>\d+) \| `(?P<input>[^`]+)` \| (?P<range>[^|]+) \| "
                  r"(?P<low>[^|]+) \| (?P<high>[^|]+) \|")


@dataclass
class ScenarioDigest:
    """One scenario's sensitivity: as it is, its leading inputs, and the verdict sentence."""

    name: str
    as_it_is: str = ""
    leading: list[str] = field(default_factory=list)
    verdict: str = ""


def digest(markdown: str) -> list[ScenarioDigest]:
    """Each scenario section of a sensitivity document, in order."""
    scenarios: list[ScenarioDigest] = []
    for line in markdown.splitlines():
        heading = _HEADING.match(line)
        if heading:
            scenarios.append(ScenarioDigest(heading["name"]))
            continue
        if not scenarios:
            continue
        current = scenarios[-1]
        row = _ROW.match(line)
        if line.startswith("As it is:"):
            current.as_it_is = line.removeprefix("As it is: ").strip().rstrip(".")
        elif row and len(current.leading) < TOP:
            current.leading.append(f"`{row['input']}` ({row['range'].strip()}: "
                                   f"{row['low'].strip()} at the low end, "
                                   f"{row['high'].strip()} at the high end)")
        elif re.match(r"^\d+ of \d+ inputs", line):
            current.verdict = line.split(". No detectable effect")[0].strip().rstrip(".") + "."
    return scenarios


def depends_on_lines(markdown: str | None) -> list[str]:
    """The report's section, or a line saying how to produce it when there is no document."""
    lines = ["## What the answer depends on", ""]
    if not markdown:
        return [*lines, "No sensitivity document yet: run `python tools/sensitivity_report.py`.",
                ""]
    lines += ["From `docs/sensitivity.md` (`python tools/sensitivity_report.py`): each estimate "
              "of the scenario moved alone to each end of its plausible range, the same "
              "replications at every end, Trans-Caspian Mt/yr with the paired change and its "
              "95% interval. The checks above show that the model does what its inputs say; "
              "these are the inputs with no public figure that decide the answer.", ""]
    for scenario in digest(markdown):
        lines.append(f"- **{scenario.name}** (as it is: {scenario.as_it_is}). Leading inputs: "
                     + "; ".join(scenario.leading) + f". {scenario.verdict}")
    return [*lines, ""]
