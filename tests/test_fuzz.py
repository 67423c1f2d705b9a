"""Hostile and odd input, fuzzed through the CLI: stored faithfully or refused cleanly.

Every command gets random unicode, right-to-left text, emoji, combining marks,
NUL and control bytes, terminal escape sequences, SQL- and format-string-looking
text, very long lines and (in a few examples) megabyte strings, in its text
and in every option. Each run must end in exactly one of:

- exit 0, and every value reads back from `show --json` as given (stripped;
  or in the documented normal form for tags, platform, asset);
- exit 1, with one line on stderr starting `issuenote: `, and the notebook
  unchanged;
- exit 2 (a usage error: one line with the --help hint), only when a positional value starts with
  `-` or an integer option got something else, and the notebook unchanged.

Never a traceback (catch_exceptions=False: an exception fails the test), and
what people read (`show`, `list`, confirmations, warnings) never carries a raw
ESC, BEL, C1 control or bidi override. Each example runs on its own copy of a
small notebook. Examples per command: ISSUENOTE_FUZZ_EXAMPLES (default 12;
`ISSUENOTE_FUZZ_EXAMPLES=2000` for a long run); megabyte examples: 1 in 50 of
that, at least 4 and at most 40.

The fuzz runs are marked slow and left out of the everyday run:
`python -m pytest -q -m slow` runs them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from typer.testing import CliRunner

from issuenote.cli import app
from issuenote.commands import COMMAND_NAMES
from issuenote.safety.scam import load_registry

EXAMPLES = int(os.environ.get("ISSUENOTE_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
# ESC, BEL, C1 controls (CSI U+009B among them), bidi embeddings/overrides/isolates.
RAW_TERMINAL_CODE = re.compile(r"[\x07\x1b\x80-\x9f\u202a-\u202e\u2066-\u2069]")

FRAGMENTS = [
    "\x1b[2J\x1b[H",  # clear screen
    "\x1b]0;pwned\x07",  # retitle the window
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",  # hyperlink
    "\x1b[31mred\x1b[0m",
    "\x9b31m",  # 8-bit CSI
    "\x1bP+q\x1b\\",  # DCS
    "\x07",
    "\x00",
    "\x7f",
    "\x85",
    "\x08\x08\x08",
    "\r",
    "\r\n",
    "\n",
    "\t",
    "\u202eevil",
    "\u2066iso\u2069",
    "\u202a\u202b\u202c\u202d",
    "\u200b\u200c\u200d",
    "\ufeff",
    "\u2028\u2029",
    "\ufffd\uffff",
    "\U0010ffff\ue000",
    "'; DROP TABLE cases; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM entries;--",
    "{0}{1}{}",
    "{name!r:>{width}}",
    "%s%d%n%(x)s",
    "${HOME}$(id)`id`",
    "[bold red]markup[/]",
    "\\x00\\n\\u202e",
    "مرحبا بالدعم",
    "שלום",
    "提现卡住了三天",
    "출금이 3일째 처리 중",
    "😀🙏",
    "👩\u200d👩\u200d👧\u200d👦",
    "🇰🇷🇨🇳",
    "e\u0301\u0302\u0303\u0304",
    "Z\u0335\u0336\u0337\u0338\u0339",
    # Undecodable bytes in argv, as Python hands them over (surrogateescape); other
    # lone surrogates cannot come from a command line.
    "\udcff",
    "\udc80x\udcfe",
    "okx",
    "OKX",
    "1250.00",
    "now",
    "2h ago",
    "#tag,other",
    " ",
]
LONG_LINE = st.integers(min_value=1_000, max_value=20_000).map(lambda n: "long line " * (n // 10))
HOSTILE = st.lists(
    st.one_of(st.text(max_size=12), st.sampled_from(FRAGMENTS), LONG_LINE),
    max_size=6,
).map("".join)
# A clean value now and then, so the commands also succeed and their output gets checked.
PLAIN_VALUES = ["USDT withdrawal", "Kevin", "CS-4471", "TK-88412907", "support@okx.com"]
PLAIN = st.sampled_from(PLAIN_VALUES)
TIMES = st.sampled_from(["now", "2h ago", "yesterday 09:05", "2026-03-02T09:15:00+08:00"])


CONTROL_OR_BIDI = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Odd but printable one-line text: what one-line fields (agent, ticket, title) accept.
ODD_LINE = st.lists(
    st.one_of(
        st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12),
        st.sampled_from([f for f in FRAGMENTS if not CONTROL_OR_BIDI.search(f)]),
    ),
    max_size=5,
).map("".join)


# Valid values of options that take a word from a list (or a number).
VALID = {
    "--channel": ["chat", "email", "live chat", "Telegram"],
    "--category": ["withdrawal", "2fa", "KYC"],
    "--kind": ["withdrawal", "deposit"],
    "--lang": ["en", "zh", "ko", "korean"],
    "--status": ["open", "waiting", "resolved"],
    "--format": ["chat", "email", "markdown", "text", "json", "html"],
    "--max-chars": ["500", "1000"],
    "--limit": ["10", "1"],
    "--amount": ["1250.00", "0.000001", "1,250.5"],
    "--case": ["1"],
}


def value(valid: st.SearchStrategy[str] = PLAIN) -> st.SearchStrategy[str]:
    """Anything at all, odd printable text, or a plain valid value, about equally."""
    return st.one_of(HOSTILE, ODD_LINE, valid)


def mostly(valid: str | list[str], percent: int = 80) -> st.SearchStrategy[str]:
    """A valid value `percent`% of the time (a case number, a step id), else anything."""
    choices = [valid] if isinstance(valid, str) else valid
    return st.integers(0, 99).flatmap(
        lambda n: st.sampled_from(choices) if n < percent else value()
    )


# -- running one example -------------------------------------------------------------


@dataclass
class Call:
    """One command line, and what `show --json` must hold if it succeeds."""

    argv: list[str]
    positionals: list[str]
    stdin: str | None = None
    checks: list[tuple[str, Any]] = field(default_factory=list)  # (field path, expected)
    creates: str | None = None  # "entry" | "case" | "transaction"
    reads_only: bool = False
    # An option click itself parses (an int): a bad value is click's usage error, exit 2.
    typed_option: bool = False


# An argument that names a file: replaced, per example, by a path inside that example's
# own directory, so fuzzed names never reach anything else on disk.
FILE_PLACEHOLDER = "\x00file:"


def file_argument(name: str) -> str:
    return FILE_PLACEHOLDER + name


def file_name(name: str) -> str:
    """A fuzzed name as a real command line can carry it: no NUL (argv cannot hold one).

    `/` becomes `_` so the name stays inside the example's directory; control
    and bidi characters, undecodable bytes and names past NAME_MAX stay.
    """
    if name.startswith("RAW"):
        return name[len("RAW") :]  # the tests that want exactly this name
    return name.replace("\x00", "").replace("/", "_") or "empty"


def dump(home: Path) -> list[str]:
    path = home / "notebook.db"
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def short(value: Any) -> str:
    """A repr that stays readable when the value is a megabyte."""
    text = repr(value)
    return text if len(text) <= 300 else f"{text[:150]}…({len(text):,} chars)…{text[-100:]}"


def no_raw_codes(text: str, where: str) -> None:
    found = RAW_TERMINAL_CODE.search(text)
    assert found is None, f"{where} replays U+{ord(found.group()):04X} raw"


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-template")


@pytest.fixture
def template(template_dir: Path) -> Path:
    """A small notebook (built once, under the test env): case 1, note 1, open step 2, tx."""
    home = template_dir / "home"
    if not (home / "notebook.db").exists():
        runner = CliRunner()
        for argv in (
            ["new", "Template case", "--platform", "OKX", "--account", "UID 12345678"],
            ["note", "1", "first note"],
            ["step", "1", "call back"],
            ["contact", "1", "--channel", "chat", "--ticket", "TK-1"],
            ["tx", "1", "ORD-1", "--amount", "5"],
        ):
            result = runner.invoke(app, ["--home", str(home), *argv], catch_exceptions=False)
            assert result.exit_code == 0, result.stderr
    return home


@pytest.fixture
def run_example(template: Path, tmp_path: Path) -> Callable[[Call], None]:
    """Run one call on a fresh copy of the template and judge its outcome."""
    runner = CliRunner()

    def cli(home: Path, *argv: str, stdin: str | None = None) -> Any:
        # color=True: click keeps escape codes, as it does on a terminal (it strips
        # them only when output is not a terminal, which would hide a replay).
        return runner.invoke(
            app, ["--home", str(home), *argv], input=stdin, catch_exceptions=False, color=True
        )

    def run(call: Call) -> None:
        home = Path(tempfile.mkdtemp(dir=tmp_path)) / "home"
        shutil.copytree(template, home)
        files = home.parent / "files"
        files.mkdir()
        argv = [
            str(files / file_name(arg[len(FILE_PLACEHOLDER) :]))
            if arg.startswith(FILE_PLACEHOLDER)
            else arg
            for arg in call.argv
        ]
        try:
            before = dump(home)
            result = cli(home, *argv, stdin=call.stdin)
            if currently_in_test_context():
                event(f"exit {result.exit_code}")
            where = short(call.argv)
            if result.exit_code == 0:
                no_raw_codes(result.stderr, f"stderr of {where}")
                if "--json" in call.argv:
                    created = json.loads(result.stdout)
                else:
                    no_raw_codes(result.stdout, f"stdout of {where}")
                    created = None
                if call.reads_only:
                    assert dump(home) == before, f"{where} is a read but changed the notebook"
                else:
                    check_stored(cli, home, call, created)
                shown_case = str(NEXT_ID["case"]) if call.creates == "case" else "1"
                for argv in (
                    ("show", shown_case),
                    ("show", shown_case, "--full"),
                    ("list", "--all"),
                ):
                    shown = cli(home, *argv)
                    assert shown.exit_code in (0, 1), shown.stderr
                    no_raw_codes(shown.stdout, f"{argv} after {where}")
            elif result.exit_code == 1:
                assert result.stderr.startswith("issuenote: "), (where, result.stderr)
                assert result.stderr.count("\n") == 1, (where, result.stderr)
                assert result.stderr.endswith("\n")
                no_raw_codes(result.stderr, f"the refusal of {where}")
                assert dump(home) == before, f"{where} was refused but changed the notebook"
            elif result.exit_code == 2:
                assert result.stderr.startswith("issuenote: "), (where, result.stderr)
                assert result.stderr.count("\n") == 1, (where, result.stderr)
                assert "--help`)" in result.stderr, (where, result.stderr)
                dash = any(p.startswith("-") and p != "-" for p in call.positionals)
                assert dash or call.typed_option, (where, result.stderr)
                assert dump(home) == before
            else:
                pytest.fail(f"{where} exited {result.exit_code}: {result.stderr}")
        finally:
            shutil.rmtree(home.parent, ignore_errors=True)

    return run


# The ids the template's next records get (for runs without --json to tell them).
NEXT_ID = {"case": 2, "entry": 4, "transaction": 2}


def check_stored(cli: Callable[..., Any], home: Path, call: Call, created: Any) -> None:
    """Every value the call set reads back from `show --json` as it was given."""
    created_id = created["id"] if created else NEXT_ID.get(call.creates or "")
    case_ref = str(created_id) if call.creates == "case" else "1"
    if call.argv[0] == "rm":
        assert cli(home, "show", "1").exit_code == 1  # gone
        return
    if call.argv[0] == "undo":  # what it reverted is checked in test_corrections
        return
    shown = cli(home, "show", case_ref, "--json")
    assert shown.exit_code == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert doc["unreadable"] == []
    if call.creates == "entry":
        (record,) = [e for e in doc["entries"] if e["id"] == created_id]
    elif call.creates == "transaction":
        (record,) = [t for t in doc["transactions"] if t["id"] == created_id]
    elif call.argv[0] == "done":
        (record,) = [e for e in doc["entries"] if e["id"] == 2]
        assert record["done_at"] is not None
    elif call.argv[0] == "amend":
        (record,) = [e for e in doc["entries"] if str(e["number"]) == call.positionals[-1]]
        assert record["revisions"], "an amended entry keeps its earlier version"
    else:
        record = doc
    for name, expected in call.checks:
        if name == "txid":  # an order ID is kept as one, a hash as the TxID
            record = {**record, "txid": record["txid"] or record["order_id"]}
        assert record[name] == expected, (
            short(call.argv),
            name,
            short(record[name]),
            short(expected),
        )


# -- what each command takes -----------------------------------------------------------

# A saved support e-mail, for `ingest -`: fuzzed text is appended to its body.
FUZZ_MAIL = (
    "From: OKX Support <support@okx.com>\nTo: me@example.com\nSubject: Re: [Ticket #88412]\n"
    "Date: Fri, 21 Nov 2026 10:15:02 +0800\nMessage-ID: <fuzz@okx.com>\n\nHello,\n"
)


def stripped(text: str) -> str | None:
    return text.strip() or None


def platform_form(text: str) -> str | None:
    """As typed, or the registry's spelling of a platform it knows (okex -> OKX)."""
    text = text.strip()
    if not text:
        return None
    known = load_registry().find(text)
    return known.name if known is not None else text


def tag_forms(tags: list[str]) -> list[str]:
    forms = set()
    for tag in tags:
        for part in tag.split(","):
            clean = part.strip().lstrip("#").strip()
            if clean:
                forms.add(clean.lower())
    return sorted(forms)


@st.composite
def text_argument(draw: st.DrawFn, call: Call, what: str = "text") -> None:
    """The command's TEXT: as an argument, after `--`, or on stdin via `-`."""
    text = draw(value())
    how = draw(st.sampled_from(["arg", "arg", "dashdash", "stdin"]))
    if how == "stdin" and not re.search("[\udc80-\udcff]", text):
        call.argv.append("-")
        call.stdin = text
        text = stdin_form(text)
    elif how == "dashdash":
        call.argv += ["--", text]
    else:
        call.argv.append(text)
        call.positionals.append(text)
    call.checks.append((what, stripped(text)))


@st.composite
def options(draw: st.DrawFn, call: Call, spec: dict[str, str | None]) -> None:
    """Some of the options in `spec` (option -> field it sets, or None), hostile or plain."""
    for option, target in spec.items():
        if draw(st.booleans()):
            if option in ("--at", "--due", "--occurred"):
                given_value = draw(st.one_of(TIMES, TIMES, HOSTILE))
            elif option in VALID:
                given_value = draw(mostly(VALID[option], 60))
            else:
                given_value = draw(value())
            call.argv[1:1] = [option, given_value]  # options before any `--`
            if target:
                call.checks.append((target, stripped(given_value)))
            elif option == "--description" and given_value == "-":
                call.checks.append(("description", None))  # `-` reads (empty) stdin


@st.composite
def calls(draw: st.DrawFn, command: str) -> Call:
    case = draw(mostly("1"))
    call = Call([command], [])
    if command == "new":
        title = draw(value())
        call.argv += ["--", title]
        call.creates = "case"
        call.checks.append(("title", title.strip()))
        for option, target in (("--account", "account"), ("--description", "description")):
            if draw(st.booleans()):
                given_value = draw(value())
                call.argv[1:1] = [option, given_value]
                reads_stdin = option == "--description" and given_value == "-"
                call.checks.append((target, None if reads_stdin else stripped(given_value)))
        if draw(st.booleans()):
            platform = draw(value())
            call.argv[1:1] = ["--platform", platform]
            call.checks.append(("platform", platform_form(platform)))
        tags = draw(st.lists(value(), max_size=3))
        for tag in tags:
            call.argv[1:1] = ["--tag", tag]
        call.checks.append(("tags", tag_forms(tags)))
        draw(options(call, {"--category": None, "--occurred": None, "--lang": None}))
    elif command == "edit":
        call.argv.append(case)
        call.positionals.append(case)
        for option, target in (
            ("--title", "title"),
            ("--account", "account"),
            ("--description", "description"),
        ):
            if draw(st.booleans()):
                given_value = draw(value())
                call.argv[1:1] = [option, given_value]
                reads_stdin = option == "--description" and given_value == "-"
                call.checks.append((target, None if reads_stdin else stripped(given_value)))
        if draw(st.booleans()):
            platform = draw(value())
            call.argv[1:1] = ["--platform", platform]
            call.checks.append(("platform", platform_form(platform)))
        draw(options(call, {"--category": None, "--occurred": None, "--lang": None}))
        for option in ("--tag", "--untag"):
            for tag in draw(st.lists(value(), max_size=2)):
                call.argv[1:1] = [option, tag]
    elif command == "tx":
        txid = draw(value(st.sampled_from(["ORD-77", "7c2d" * 16, "0x" + "ab" * 32])))
        call.argv += [case, txid]
        call.positionals += [case, txid]
        call.creates = "transaction"
        call.checks.append(("txid", txid.strip()))
        if draw(st.booleans()):
            asset = draw(value(st.just("usdt")))
            call.argv[1:1] = ["--asset", asset]
            call.checks.append(("asset", asset.strip().upper() or None))
        draw(options(call, {"--amount": None, "--kind": None, "--at": None}))
    elif command in ("note", "step"):
        call.argv.append(case)
        call.positionals.append(case)
        call.creates = "entry"
        private = draw(st.booleans())
        if private:
            call.argv.insert(1, "--private")
        draw(options(call, {"--at" if command == "note" else "--due": None}))
        draw(text_argument(call))
    elif command == "reply":
        call.argv.append(case)
        call.positionals.append(case)
        call.creates = "entry"
        spec = {
            "--agent": "agent",
            "--agent-id": "agent_id",
            "--ticket": "ticket",
            "--via": "via",
            "--suggests": "suggests",
            "--channel": None,
            "--at": None,
        }
        draw(options(call, spec))
        draw(text_argument(call))
    elif command == "contact":
        call.argv += [case, "--channel", draw(mostly(VALID["--channel"], 60))]
        call.positionals.append(case)
        call.creates = "entry"
        draw(options(call, {"--via": "via", "--ticket": "ticket", "--at": None}))
        if draw(st.booleans()):
            draw(text_argument(call))
    elif command == "escalate":
        call.argv.append(case)
        call.positionals.append(case)
        call.creates = "entry"
        draw(options(call, {"--to": "escalated_to", "--at": None}))
        if draw(st.booleans()):
            draw(text_argument(call))
    elif command == "status":
        status = draw(mostly(["waiting", "resolved", "closed"], 60))
        call.argv += [case, status]
        call.positionals += [case, status]
        call.creates = "entry"
        if draw(st.booleans()):
            draw(text_argument(call))
    elif command == "done":
        entry = draw(mostly("2", 70))
        call.argv += [case, entry]
        call.positionals += [case, entry]
        draw(options(call, {"--at": None}))
    elif command == "rm":
        call.argv += ["--yes", case]
        call.positionals.append(case)
    elif command == "amend":
        entry = draw(mostly("1", 70))  # entry 1 of the template is a note
        call.argv += [case, entry]
        call.positionals += [case, entry]
        draw(options(call, {"--text": "text", "--at": None}))
        if draw(st.booleans()):
            call.argv[1:1] = ["--agent", draw(value())]  # a note has no agent: refused
    elif command == "undo":
        call.argv += draw(st.sampled_from([["--yes"], ["--list"], ["--list", "--json"]]))
        if "--list" in call.argv:
            call.reads_only = True
        elif draw(st.booleans()):
            change = draw(mostly(["1", "3", "5"], 60))
            call.argv.append(change)
            call.positionals.append(change)
    elif command == "show":
        call.argv += [case, *draw(st.sampled_from([[], ["--json"], ["--full"], ["--reveal"]]))]
        call.positionals.append(case)
        call.reads_only = True
    elif command == "list":
        call.reads_only = True
        draw(options(call, {"--status": None, "--platform": None, "--tag": None}))
        if draw(st.booleans()):
            call.argv.append("--all")
    elif command == "export":
        call.argv.append(case)
        call.positionals.append(case)
        call.reads_only = True
        call.typed_option = True
        spec = {"--format": None, "--lang": None, "--max-chars": None}
        draw(options(call, spec))
        if draw(st.booleans()):
            call.argv[1:1] = ["--output", file_argument(draw(value()))]
    elif command == "search":
        call.argv += ["--", draw(value())]
        call.reads_only = True
        call.typed_option = True
        draw(options(call, {"--case": None, "--limit": None}))
        if draw(st.booleans()):
            call.argv.insert(1, "--json")
    elif command in ("due", "stats"):
        # Read-only reports: hostile filters are refused in one line or answered.
        call.reads_only = True
        call.typed_option = True
        draw(options(call, {"--days": None} if command == "due" else {"--platform": None}))
        if draw(st.booleans()):
            call.argv.insert(1, "--json")
    elif command == "backup":
        call.argv.append(file_argument(draw(value())))
        call.reads_only = True
    elif command in ("restore", "import"):
        call.argv.append(file_argument(draw(value())))
        call.argv[1:1] = draw(
            st.sampled_from(
                [[], ["--check"], ["--force"]] if command == "restore" else [[], ["--dry-run"]]
            )
        )
    elif command == "sync":
        # No remote answers here: every form is refused, with one line and nothing written.
        call.reads_only = True
        call.typed_option = True
        form = draw(st.sampled_from(["init", "status", "sync"]))
        if form == "init":
            call.argv += ["init", "--name", draw(value()), "--", draw(value())]
        elif form == "status":
            call.argv += ["status", *draw(st.sampled_from([[], ["--offline"], ["--json"]]))]
    elif command == "key":
        call.reads_only = True
        call.typed_option = True
        call.argv += ["import", "--", draw(value())]
    elif command == "attach":
        # The files do not exist (their names are fuzzed): the refusal path, with odd names.
        call.argv += [case, *(file_argument(draw(value())) for _ in range(draw(st.integers(1, 3))))]
        call.positionals.append(case)
        call.creates = "entry"
        draw(options(call, {"--caption": None, "--entry": None, "--at": None}))
    elif command == "attachments":
        call.argv += [case, *draw(st.sampled_from([[], ["--json"]]))]
        call.positionals.append(case)
        call.reads_only = True
    elif command == "open":
        attachment = draw(mostly("1", 50))
        call.argv += ["--print-path", case, attachment]
        call.positionals += [case, attachment]
        call.reads_only = True
    elif command == "ingest":
        call.argv.append(case)
        call.positionals.append(case)
        call.creates = "entry"
        if draw(st.booleans()):
            call.argv.append("-")
            call.stdin = draw(
                st.one_of(value(), st.just(FUZZ_MAIL), value().map(lambda t: FUZZ_MAIL + t))
            )
        else:
            call.argv.append(file_argument(draw(value())))
        if draw(st.booleans()):
            call.argv.insert(1, "--chat")
        if draw(st.booleans()):
            call.argv.insert(1, "--dry-run")
            call.reads_only = True
        return call  # ingest --json prints a list: not the created record NEXT_ID assumes
    elif command == "verify":
        call.argv += draw(
            st.sampled_from([[], [case], ["--json"], ["--bundle", file_argument("x")]])
        )
        call.positionals += [a for a in call.argv[1:] if not a.startswith("-")][:1]
        call.reads_only = True
    elif command == "bundle":
        call.argv += [case, "--output", file_argument(draw(value()))]
        call.positionals.append(case)
        call.reads_only = True
        draw(options(call, {"--lang": None}))
    else:
        raise AssertionError(f"no fuzz strategy for {command}")
    if call.creates and draw(st.booleans()):
        call.argv.insert(1, "--json")
    return call


FUZZED = [
    name
    for name in (
        "new",
        "note",
        "contact",
        "reply",
        "step",
        "done",
        "escalate",
        "status",
        "tx",
        "edit",
        "rm",
        "amend",
        "undo",
        "show",
        "list",
        "export",
        "search",
        "due",
        "stats",
        "backup",
        "restore",
        "import",
        "sync",
        "key",
        "attach",
        "attachments",
        "open",
        "ingest",
        "verify",
        "bundle",
    )
    if name in COMMAND_NAMES
]
NOT_FUZZED = {
    "doctor": "takes no text",
    "demo": "takes no text, writes a throwaway notebook",
    "config": "writes config.toml, not the notebook; every value is checked by its registry "
    "entry (tests/test_cli_config.py)",
}


def test_every_command_is_fuzzed() -> None:
    """A command added later gets a strategy here (or a reason it needs none)."""
    assert set(COMMAND_NAMES) - set(FUZZED) - set(NOT_FUZZED) == set()


@pytest.mark.slow
@pytest.mark.parametrize("command", FUZZED)
@FUZZ
@given(data=st.data())
def test_fuzzed_command(run_example: Callable[[Call], None], command: str, data: Any) -> None:
    run_example(data.draw(calls(command), label="call"))


# -- megabytes --------------------------------------------------------------------------

MEGABYTE_PIECES = [f for f in FRAGMENTS if not re.search("[\ud800-\udfff]", f)]
MEGABYTE_PIECE = st.sampled_from([*MEGABYTE_PIECES, "chat log line 中文 😀\n", "x" * 1000])


def megabyte_text(pieces: list[str], megabytes: float) -> str:
    """At least `megabytes` MB of the pieces repeated (built here: examples print small)."""
    unit = "".join(pieces) or "x"
    return unit * -(-int(megabytes * 1_000_000) // len(unit.encode("utf-8")))


def stdin_form(text: str) -> str:
    """What text-mode stdin hands over: every line ending read as a newline."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.slow
@settings(
    max_examples=max(4, min(40, EXAMPLES // 50)),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    pieces=st.lists(MEGABYTE_PIECE, min_size=1, max_size=8),
    megabytes=st.sampled_from([1.0, 1.0, 2.1]),  # 2.1 MB is past the 2 MB limit
    where=st.sampled_from(["note", "note-stdin", "description", "title"]),
)
def test_megabyte_values(
    run_example: Callable[[Call], None], pieces: list[str], megabytes: float, where: str
) -> None:
    text = megabyte_text(pieces, megabytes)
    if where == "note":
        call = Call(["note", "1", "--json", "--", text], [], creates="entry")
        call.checks.append(("text", stripped(text)))
    elif where == "note-stdin":
        call = Call(["note", "1", "-", "--json"], [], stdin=text, creates="entry")
        call.checks.append(("text", stripped(stdin_form(text))))
    elif where == "description":
        call = Call(["edit", "1", "--description", text], ["1"])
        call.checks.append(("description", stripped(text)))
    else:
        call = Call(["new", "--json", "--", text], [], creates="case")  # past a one-line limit
    run_example(call)


LONG_NAME = "a" * 300


@pytest.mark.parametrize(
    "argv",
    [
        ["backup", LONG_NAME],
        ["export", "1", "--output", LONG_NAME],
        ["import", LONG_NAME],
        ["restore", "--check", LONG_NAME],
    ],
)
def test_file_name_too_long_is_a_clear_error(
    run_example: Callable[[Call], None], argv: list[str]
) -> None:
    """A name past the file system's limit (255 bytes) is a user error, not a traceback."""
    run_example(Call([file_argument("RAW" + arg) if arg == LONG_NAME else arg for arg in argv], []))


@pytest.mark.parametrize("name", ["\x1b[2Jcleared", "new\nline", "\u202eevil"])
def test_refusal_naming_a_file_shows_it_harmlessly(
    run_example: Callable[[Call], None], name: str
) -> None:
    """Error lines quote the file name; its control or bidi characters must stay inert."""
    run_example(Call(["import", file_argument("RAW" + name)], []))
