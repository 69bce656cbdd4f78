"""Every shell example in README.md and docs/*.md runs as written against a fresh stack.

The stack is started here like `make up` (`kassa up`: own cluster, deploy, demo data, services)
in a home of its own, on ports that are not the defaults, so an example that hard-codes an
address fails. Each document's ```sh blocks run in file order in one bash session (a variable
set in one block is there in the next), in a scratch folder whose `.venv` is this checkout's,
with KASSA_HOME pointing at that stack. The documents run in order on the same stack.

Examples stay plain `curl -s`; for the test a curlrc makes curl strict: an HTTP error status
fails the command (`--fail-with-body`, the body is still printed) and every answer's status is
written to the output as `[HTTP nnn]`. A block fails at its first failing command.

A fenced block's info string marks the exceptions:

    ```sh expect=400:P0I05        the block must fail: its last answer HTTP 400, error code P0I05
    ```sh skip="reason"           not run; reported as a skipped test with the reason
"""
from __future__ import annotations

import dataclasses
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kassa import config
from kassa.cluster import Cluster
from kassa.config import ROOT

MARKDOWN = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
SHELL_LANGUAGES = {"sh", "bash", "shell", "console", "zsh"}   # only `sh` runs; the others are refused
KASSA = ROOT / ".venv" / "bin" / "kassa"
BLOCK_TIMEOUT = 90          # seconds; the slowest example waits for a token to expire
HARD_CODED_ADDRESS = re.compile(r"\b(?:127\.0\.0\.1|localhost):\d+")
STATUS_MARK = re.compile(r"\[HTTP (\d{3})\]")
CURLRC = 'silent\nshow-error\nfail-with-body\nwrite-out = "%{stderr}\\n[HTTP %{http_code}]\\n"\n'

# Runs one block file in the session (variables stay), its output to a file, and writes the exit
# status, line and command of the first failing command. The ERR trap returns only from the
# block itself, not from functions an earlier block defined (those keep bash's usual rules).
PRELUDE = r"""
set -o pipefail
__docs_run() {
  __docs_block=$1 __docs_line="" __docs_command=""
  # One line: $LINENO inside a trap counts the trap's own lines too.
  trap '__docs_status=$?; if [[ "${BASH_SOURCE[0]}" == "$__docs_block" ]]; then __docs_line=$LINENO; __docs_command=$BASH_COMMAND; return $__docs_status; fi' ERR
  source "$1" > "$2" 2>&1 < /dev/null
  local status=$?
  trap - ERR
  printf '%s\n%s\n%s' "$status" "$__docs_line" "$__docs_command" > "$3"
  echo __docs_done__
}
"""


@dataclasses.dataclass
class Block:
    document: str
    line: int                        # the fence's line in the document (1-based)
    code: str
    expect: tuple[int, str] | None = None
    skip: str | None = None

    @property
    def where(self) -> str:
        return f"{self.document}:{self.line}"


def parse_blocks(document: str) -> list[Block]:
    """The ```sh blocks of a document, with the options of their info strings."""
    blocks, current = [], None
    for number, text in enumerate((ROOT / document).read_text().splitlines(), start=1):
        if current is None:
            if text.startswith("```"):
                info = text[3:].strip()
                current = {"line": number, "info": info, "code": []}
        elif text.startswith("```"):
            words = shlex.split(current["info"])
            assert words[:1] == ["sh"] or not SHELL_LANGUAGES & set(words[:1]), \
                f"{document}:{current['line']}: shell examples are fenced ```sh (others are not run)"
            if words[:1] == ["sh"]:
                blocks.append(block_with_options(document, current["line"], "\n".join(current["code"]) + "\n",
                                                 words[1:]))
            current = None
        else:
            current["code"].append(text)
    assert current is None, f"{document}:{current['line']}: code block never closed"
    return blocks


def block_with_options(document: str, line: int, code: str, options: list[str]) -> Block:
    block = Block(document, line, code)
    for option in options:
        name, _, value = option.partition("=")
        if name == "expect" and re.fullmatch(r"\d{3}:\w+", value):
            status, code_ = value.split(":")
            block.expect = (int(status), code_)
        elif name == "skip" and value.strip():
            block.skip = value
        else:
            raise AssertionError(f"{document}:{line}: unknown info-string option {option!r} "
                                 "(use expect=STATUS:CODE or skip=\"reason\")")
    return block


def all_blocks() -> list[Block]:
    return [block for document in MARKDOWN for block in parse_blocks(document)]


DOCUMENTS = [document for document in MARKDOWN if parse_blocks(document)]   # README first, then docs/


@dataclasses.dataclass
class Outcome:
    status: int
    line: int | None                 # the failing command's line within the block
    command: str
    output: str


class Shell:
    """One bash session: blocks run in it one after another and share its variables."""

    def __init__(self, cwd: Path, env: dict[str, str], scratch: Path):
        self.scratch = scratch
        self.count = 0
        prelude = scratch / "prelude.sh"
        prelude.write_text(PRELUDE)
        self.process = subprocess.Popen(["bash", "--norc", "--noprofile"], cwd=cwd, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.send(f"source {shlex.quote(str(prelude))}\n")

    def send(self, text: str) -> None:
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def run(self, code: str, timeout: float = BLOCK_TIMEOUT) -> Outcome:
        if self.process.poll() is not None:
            return Outcome(125, None, "(the shell session ended with an earlier block)", "")
        self.count += 1
        block, output, result = (self.scratch / f"{self.count:03}.{suffix}" for suffix in ("sh", "out", "result"))
        block.write_text(code)
        self.send(" ".join(["__docs_run", *(shlex.quote(str(p)) for p in (block, output, result))]) + "\n")
        seen, deadline = b"", time.monotonic() + timeout
        while b"__docs_done__" not in seen:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.process.stdout], [], [], left)[0]:
                self.close()
                return Outcome(124, None, f"(timed out after {timeout} s)", read(output))
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                return Outcome(125, None, "(the shell session ended)", read(output) + seen.decode(errors="replace"))
            seen += chunk
        status, line, command = result.read_text().split("\n", 2)
        return Outcome(int(status), int(line) if line else None, command, read(output))

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def verdict(block: Block, outcome: Outcome) -> str | None:
    """None when the block did what it should, else what went wrong."""
    if block.expect is None:
        return None if outcome.status == 0 else f"failed with exit status {outcome.status}"
    status, code = block.expect
    statuses = STATUS_MARK.findall(outcome.output)
    if outcome.status == 0:
        return f"should fail with HTTP {status} {code} but succeeded"
    if not statuses or int(statuses[-1]) != status:
        return f"should fail with HTTP {status} {code}, failed with HTTP {statuses[-1] if statuses else '(none)'}"
    if not re.search(r'"code":\s*"%s"' % re.escape(code), outcome.output):
        return f"should fail with HTTP {status} {code}: the answer has another code"
    return None


def command_at(code: str, line: int) -> str:
    """The whole command that starts at `line` of a block: continuation lines and quotes joined."""
    lines, text = code.splitlines()[line - 1:], ""
    for part in lines:
        text += ("\n" if text else "") + part
        try:
            shlex.split(text)
        except ValueError:          # a quote still open: the command goes on
            continue
        if not part.endswith("\\"):
            break
    return text


def one_line(command: str) -> str:
    return re.sub(r"\s+", " ", command.replace("\\\n", " "))


def report(block: Block, outcome: Outcome, problem: str) -> str:
    line = block.line + outcome.line if outcome.line else block.line
    command = command_at(block.code, outcome.line) if outcome.line else outcome.command
    if outcome.line and outcome.command and one_line(outcome.command) not in one_line(command):
        command += f"\n  (failing part: {outcome.command})"
    output = outcome.output.strip()
    if len(output) > 4000:
        output = "…" + output[-4000:]
    return (f"{block.document}:{line}: the example {problem}\n"
            f"  command: {command or '(the block)'}\n"
            f"  block (from line {block.line}):\n{textwrap.indent(block.code.rstrip(), '    | ')}\n"
            f"  output:\n{textwrap.indent(output or '(none)', '    > ')}")


def on_other_ports(settings: config.Settings) -> None:
    """Free ports, none of them a default: an example that hard-codes one reaches nothing."""
    defaults, chosen = set(config.DEFAULT_PORTS.values()), set()
    while len(chosen) < len(settings.ports):
        if (port := config.free_port()) not in defaults:
            chosen.add(port)
    settings.ports = dict(zip(settings.ports, sorted(chosen)))
    dsn = urlsplit(settings.database_url)
    settings.database_url = dsn._replace(netloc=f"{dsn.netloc.rpartition(':')[0]}:{settings.ports['postgres']}").geturl()


@pytest.fixture(scope="module")
def docs_stack():
    """A stack started like `make up` (demo data) on non-default ports; stopped and removed after."""
    (ROOT / ".kassa").mkdir(exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="docs-", dir=ROOT / ".kassa"))
    home.chmod(0o755)
    settings = config.new_settings(home, None)
    on_other_ports(settings)
    settings.save()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KASSA_")} | {"KASSA_HOME": str(home)}
    try:
        up = subprocess.run([str(KASSA), "up"], env=env, capture_output=True, text=True, timeout=600)
        assert up.returncode == 0, f"kassa up failed:\n{up.stdout}\n{up.stderr}"
        yield env
    finally:
        subprocess.run([str(KASSA), "down"], env=env, capture_output=True, timeout=120)
        # As root in a private folder the cluster lives in /var/lib/kassa/…: removed with the home.
        Cluster(home, settings.ports["postgres"], settings.superuser_password).remove()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """The folder the examples run in: this checkout's `.venv`, and the strict curlrc."""
    folder = tmp_path_factory.mktemp("docs-run")
    (folder / ".venv").symlink_to(ROOT / ".venv")
    (folder / ".curlrc").write_text(CURLRC)
    return folder


@pytest.mark.parametrize("document", DOCUMENTS)
def test_examples_run(document, docs_stack, scratch):
    blocks = parse_blocks(document)
    to_run = [b for b in blocks if not b.skip]
    for block in to_run:
        assert not HARD_CODED_ADDRESS.search(block.code), \
            f"{block.where}: hard-coded address {HARD_CODED_ADDRESS.search(block.code)[0]}; take it from `kassa env --json`"
    if not to_run:
        pytest.skip(f"{document} has no shell examples to run")
    session = scratch / Path(document).stem
    session.mkdir()
    shell = Shell(scratch, docs_stack | {"CURL_HOME": str(scratch)}, session)
    failures = []
    try:
        for block in to_run:
            outcome = shell.run(block.code)
            if problem := verdict(block, outcome):
                failures.append(report(block, outcome, problem))
    finally:
        shell.close()
    print(f"{document}: {len(to_run)} examples run, {len(blocks) - len(to_run)} skipped")
    assert not failures, (f"{len(failures)} of {len(to_run)} examples in {document} failed "
                          "(later ones may follow from the first):\n\n" + "\n\n".join(failures))


@pytest.mark.parametrize("block", [b for b in all_blocks() if b.skip], ids=lambda b: b.where)
def test_example_not_run(block):
    """Each example marked `skip` is counted and its reason printed (pytest -ra)."""
    pytest.skip(f"{block.where}: {block.skip}")


def test_a_broken_example_is_reported_with_its_line_and_command(tmp_path):
    """The harness itself: variables carry from block to block, a block stops at its first failing
    command and the report names the document line, and `expect` holds a block to its error."""
    shell = Shell(tmp_path, {"PATH": os.environ["PATH"]}, tmp_path)
    try:
        assert verdict(Block("x.md", 1, ""), shell.run("GREETING=hello\n")) is None
        outcome = shell.run('echo "$GREETING"\nfalse | cat\necho not reached\n')
        block = Block("x.md", 10, 'echo "$GREETING"\nfalse | cat\necho not reached\n')
        assert (outcome.status, outcome.line, outcome.command) == (1, 2, "cat")   # a pipeline's last command
        assert outcome.output == "hello\n"
        assert report(block, outcome, verdict(block, outcome)).startswith(
            "x.md:12: the example failed with exit status 1\n  command: false | cat\n")
        assert command_at("x=1\ncurl -d '{\"a\": 1,\n  \"b\": 2}' \\\n  -s u\nnext\n", 2) == \
            "curl -d '{\"a\": 1,\n  \"b\": 2}' \\\n  -s u"
        answer = 'echo \'{"code":"P0I05"}\'; echo "[HTTP 400]"; false\n'
        assert verdict(Block("x.md", 1, "", expect=(400, "P0I05")), shell.run(answer)) is None
        assert "another code" in verdict(Block("x.md", 1, "", expect=(400, "P0I03")), shell.run(answer))
        assert "failed with HTTP 400" in verdict(Block("x.md", 1, "", expect=(401, "P0I05")), shell.run(answer))
        assert "succeeded" in verdict(Block("x.md", 1, "", expect=(400, "P0I05")), shell.run("true\n"))
        assert shell.run("sleep 5\n", timeout=0.5).status == 124
        assert shell.run("true\n").status == 125, "a session that timed out runs nothing more"
    finally:
        shell.close()
    with pytest.raises(AssertionError, match="unknown info-string option"):
        block_with_options("x.md", 1, "true\n", ["expect=400"])
