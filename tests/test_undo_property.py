"""Property: any recording commands followed by as many `undo`s give back the same cases.

Compared byte for byte in `export --all --format json --no-redact
--include-private` (its `cases`; the export time differs by nature).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from issuenote.cli import app

WORDS = st.sampled_from(["wait", "ticket", "email", "withdrawal", "提现", "출금", "ok"])
TEXT = st.lists(WORDS, min_size=1, max_size=3).map(" ".join)
HEX = st.binary(min_size=32, max_size=32).map(bytes.hex)
PICK = st.integers(min_value=0, max_value=5)

# Each operation: (command, arguments); CASE and N are filled in with ones that exist.
OPERATIONS = st.one_of(
    st.tuples(st.just("new"), TEXT),
    st.tuples(st.just("note"), PICK, TEXT),
    st.tuples(st.just("private-note"), PICK, TEXT),
    st.tuples(st.just("contact"), PICK, st.sampled_from(["chat", "email"])),
    st.tuples(st.just("reply"), PICK, TEXT, st.sampled_from(["Kevin", "Anna"])),
    st.tuples(st.just("step"), PICK, TEXT),
    st.tuples(st.just("done"), PICK, PICK),
    st.tuples(st.just("escalate"), PICK, TEXT),
    st.tuples(st.just("status"), PICK, st.sampled_from(["waiting", "resolved", "open"])),
    st.tuples(st.just("tx"), PICK, HEX),
    st.tuples(st.just("order"), PICK, st.integers(10**9, 10**10).map(str)),
    st.tuples(st.just("edit"), PICK, TEXT),
    st.tuples(st.just("tag"), PICK, st.sampled_from(["okx", "urgent"])),
    st.tuples(st.just("amend"), PICK, PICK, TEXT),
    st.tuples(st.just("rm-entry"), PICK, PICK),
    st.tuples(st.just("rm-case"), PICK),
)


class Notebook:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    def run(self, *args: str) -> bool:
        result = self.runner.invoke(app, ["--home", str(self.home), *args])
        assert result.exit_code in (0, 1), result.output
        return result.exit_code == 0

    def cases(self) -> list[dict[str, Any]]:
        result = self.runner.invoke(
            app,
            ["--home", str(self.home), "list", "--all", "--json"],
        )
        return json.loads(result.stdout)

    def export(self) -> str:
        result = self.runner.invoke(
            app,
            [
                "--home",
                str(self.home),
                "export",
                "--all",
                "--format",
                "json",
                "--no-redact",
                "--include-private",
            ],
        )
        assert result.exit_code == 0, result.stderr
        return json.dumps(json.loads(result.stdout)["cases"], ensure_ascii=False, indent=1)

    def command(self, operation: tuple[Any, ...]) -> list[str] | None:
        """The argv for an abstract operation, or None when it has nothing to act on."""
        name, *rest = operation
        if name == "new":
            return ["new", rest[0]]
        cases = [str(c["id"]) for c in self.cases()]
        if not cases:
            return None
        case = cases[rest[0] % len(cases)]
        args = rest[1:]
        simple = {
            "note": lambda: ["note", case, args[0]],
            "private-note": lambda: ["note", case, args[0], "--private"],
            "contact": lambda: ["contact", case, "--channel", args[0]],
            "reply": lambda: ["reply", case, args[0], "--agent", args[1]],
            "step": lambda: ["step", case, args[0], "--due", "in 2d"],
            "done": lambda: ["done", case, str(args[0] + 1)],
            "escalate": lambda: ["escalate", case, args[0]],
            "status": lambda: ["status", case, args[0]],
            "tx": lambda: ["tx", case, args[0], "--chain", "tron"],
            "order": lambda: ["tx", case, args[0], "--amount", "12.5"],
            "edit": lambda: ["edit", case, "--title", args[0]],
            "tag": lambda: ["edit", case, "--tag", args[0]],
            "amend": lambda: ["amend", case, str(args[0] + 1), "--text", args[1]],
            "rm-entry": lambda: ["rm", case, str(args[0] + 1), "--yes"],
            "rm-case": lambda: ["rm", case, "--yes"],
        }
        return simple[name]()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(OPERATIONS, min_size=1, max_size=7))
def test_undo_gives_back_the_same_cases(operations: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory(prefix="issuenote-undo-") as directory:
        notebook = Notebook(Path(directory) / "home")
        assert notebook.run("new", "USDT withdrawal stuck", "--platform", "OKX")
        assert notebook.run("note", "1", "first note")
        before = notebook.export()
        recorded = 0
        for operation in operations:
            argv = notebook.command(operation)
            if argv is not None and notebook.run(*argv):
                recorded += 1
        for _ in range(recorded):
            assert notebook.run("undo", "--yes")
        assert notebook.export() == before
