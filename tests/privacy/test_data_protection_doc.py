"""docs/data-protection.md names the tests that prove its claims: each must exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITATION = re.compile(r"(tests/[\w/]+\.py)::(\w+)")


def test_every_test_the_data_protection_doc_names_exists():
    text = (ROOT / "docs" / "data-protection.md").read_text()
    cited = set(CITATION.findall(text))
    assert len(cited) > 20
    missing = []
    for path, name in sorted(cited):
        source = ROOT / path
        if not source.exists():
            missing.append(f"{path} (no such file)")
            continue
        names = {
            node.name
            for node in ast.walk(ast.parse(source.read_text()))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        if name not in names:
            missing.append(f"{path}::{name}")
    assert not missing, missing
