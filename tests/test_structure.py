"""How the repository is laid out, where a rule keeps it so: the project stands alone (nothing
cites files outside it), and tests share their helpers through tests/factories.py and
fixtures, never by importing conftest or another test module."""
from __future__ import annotations

import ast
import re
import subprocess

from kassa.config import ROOT

OUTSIDE_CITATION = re.compile(r"\.\./shared|\b(CONTRACT|BENCH|DESIGN|ROADMAP)\.md\b")


def tracked_files() -> list[str]:
    return subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()


def test_nothing_cites_files_outside_the_repository():
    citing = [name for name in tracked_files() if (ROOT / name).is_file()
              and OUTSIDE_CITATION.search((ROOT / name).read_text(errors="replace"))]
    assert citing == [], f"these files cite documents the checkout does not hold: {citing}"


def test_tests_import_no_conftest_and_no_other_test_module():
    offending = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offending += [f"{path.name}: {m}" for m in modules if m == "conftest" or m.startswith("test_")]
    assert offending == [], f"share helpers through tests/factories.py or fixtures instead: {offending}"
