"""The README's picture of the app layers is the import-linter contract, and the contract
holds (``lint-imports``, also run by ``make lint`` and CI)."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def contract_layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [{name.strip() for name in re.split(r"[|:]", row)} for row in layers["layers"]]


def readme_layers() -> list[set[str]]:
    """The mermaid flowchart under "The layers of the apps", top to bottom."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### The layers of the apps", 1)[1]
    chart = section.split("```mermaid", 1)[1].split("```", 1)[0]
    rows: list[set[str]] = []
    for line in chart.strip().splitlines()[1:]:
        upper, lower = (
            {name.strip() for name in side.split("&")} for side in line.strip().split("-->")
        )
        if not rows:
            rows.append(upper)
        assert rows[-1] == upper, f"the picture skips a layer at {line.strip()!r}"
        rows.append(lower)
    return rows


def test_the_readme_draws_the_layers_of_the_contract():
    assert readme_layers() == contract_layers()


def test_every_app_is_in_a_layer():
    from django.apps import apps

    ours = {
        config.name
        for config in apps.get_app_configs()
        if (ROOT / config.name.split(".")[0]).is_dir() and "." not in config.name
    }
    layered = set().union(*contract_layers())
    assert ours <= layered, f"apps in no layer: {sorted(ours - layered)}"


def test_the_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
