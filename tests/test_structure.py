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


def imported_modules(path) -> list[str]:
    return [name for node in ast.walk(ast.parse(path.read_text()))
            for name in ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])]


def test_the_processes_import_no_cli_and_the_gateways_no_process():
    """bridge/ and jobs/ get their settings passed in (bridge/config.py, jobs/config.py), never from
    the CLI package; gateways/ is shared by both and imports neither."""
    offending = []
    for package, forbidden in (("bridge", ("kassa",)), ("jobs", ("kassa",)), ("gateways", ("kassa", "bridge", "jobs"))):
        for path in sorted((ROOT / package).rglob("*.py")):
            offending += [f"{path.relative_to(ROOT)}: {module}" for module in imported_modules(path)
                          if module.split(".")[0] in forbidden]
    assert offending == [], offending


def test_the_environment_is_read_once_at_process_start():
    """Only the config modules and the processes' entry points read os.environ (no per-request read)."""
    allowed = {"bridge/config.py", "jobs/scheduler.py", "bridge/mailer.py", "bridge/webhook_sender.py", "bridge/fakes/stripe_server.py", "bridge/fakes/octo_server.py"}
    reading = sorted(str(path.relative_to(ROOT)) for package in ("bridge", "jobs", "gateways")
                     for path in (ROOT / package).rglob("*.py") if "os.environ" in path.read_text())
    assert set(reading) <= allowed, set(reading) - allowed
