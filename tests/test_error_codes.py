"""The business error codes are a contract: docs/api.md's error tables list every code Kassa
raises (in db/functions or the bridges), and each documented code is asserted by a test: a
pgTAP `throws_ok(…, 'P0…', …)` in db/tests, or a string literal in a pytest file (the HTTP
answer's code, or the SQLSTATE a psycopg error carries)."""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from kassa.config import ROOT

CODE = r"P0[A-Z][0-9]{2}"
DOCUMENTED_ROW = re.compile(rf"^\| `({CODE})` \|", re.MULTILINE)
SQL_LITERAL = re.compile(rf"'({CODE})'")
PY_LITERAL = re.compile(rf"^[rbuf]*(['\"])({CODE})\1$", re.IGNORECASE)
# throws_ok(<query, dollar- or single-quoted>, '<code>', ...): the code the case expects.
# A bridge answer written in code: problem(400, "P0B01", …), refuse(…) or Refused(…).
BRIDGE_ANSWER = re.compile(rf"\b(?:problem|refuse|Refused)\(\s*(\d{{3}}),\s*\"({CODE})\"")
DOCUMENTED_STATUS = re.compile(rf"^\| `({CODE})` \| (\d{{3}}) \|", re.MULTILINE)
THROWS_OK = re.compile(rf"throws_ok\(\s*(?:\$(\w*)\$.*?\$\1\$|'(?:[^']|'')*')\s*,\s*'({CODE})'", re.DOTALL)


def documented() -> set[str]:
    return set(DOCUMENTED_ROW.findall((ROOT / "docs" / "api.md").read_text()))


def python_literals(paths) -> dict[str, set[str]]:
    """Codes written as string literals (not in comments or docstrings) per file."""
    found = {}
    for path in paths:
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        found[path] = {m.group(2) for t in tokens if t.type == tokenize.STRING and (m := PY_LITERAL.match(t.string))}
    return found


def raised() -> dict[str, str]:
    """Each code raised by our code, with one place that raises it."""
    places = {}
    for path in sorted((ROOT / "db" / "functions").glob("*.sql")):
        for code in SQL_LITERAL.findall(path.read_text()):
            places.setdefault(code, str(path.relative_to(ROOT)))
    for path, codes in python_literals(sorted((ROOT / "bridge").rglob("*.py"))).items():
        for code in codes:
            places.setdefault(code, str(path.relative_to(ROOT)))
    return places


def asserted_codes() -> set[str]:
    codes = set()
    for path in (ROOT / "db" / "tests").rglob("*.sql"):
        codes |= {m.group(2) for m in THROWS_OK.finditer(path.read_text())}
    others = [path for path in (ROOT / "tests").glob("*.py") if path.name != Path(__file__).name]
    for found in python_literals(others).values():
        codes |= found
    return codes


def test_the_docs_list_codes():
    assert len(documented()) > 50, "docs/api.md's error tables were found"


def test_every_raised_code_is_documented():
    undocumented = {code: place for code, place in raised().items() if code not in documented()}
    assert undocumented == {}, "codes raised but missing from docs/api.md's error tables"


def test_every_documented_code_is_raised():
    assert sorted(documented() - raised().keys()) == [], "documented codes nothing raises (stale docs)"


def test_every_documented_code_has_a_test():
    assert sorted(documented() - asserted_codes()) == [], \
        "documented codes no pgTAP throws_ok and no pytest assertion names"


def test_each_bridge_code_has_one_status_the_one_documented():
    """A client may act on the code alone: the bridge answers each code with one HTTP status,
    the status docs/api.md gives it."""
    statuses: dict[str, set[int]] = {}
    for path in sorted((ROOT / "bridge").rglob("*.py")):
        for status, code in BRIDGE_ANSWER.findall(path.read_text()):
            statuses.setdefault(code, set()).add(int(status))
    documented_status = {code: {int(status)} for code, status in
                         DOCUMENTED_STATUS.findall((ROOT / "docs" / "api.md").read_text())}
    assert {"P0B08", "P0B12", "P0W10"} <= statuses.keys(), "the pattern finds the bridge's answers"
    assert {code: found for code, found in statuses.items() if found != documented_status.get(code, found)} == {}
    assert {code: found for code, found in statuses.items() if len(found) > 1} == {}


def test_the_checks_see_real_cases():
    """The parsers find what they look for (a broken regex would make every check pass)."""
    assert {"P0I03", "P0C08", "P0A01"} <= raised().keys()
    assert {"P0B01", "P0W10"} <= raised().keys()
    assert {"P0I08", "P0N06", "P0P11"} <= asserted_codes()
