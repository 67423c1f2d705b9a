"""Each export opens in what reads it: mail clients, CommonMark, JSON Schema, browsers."""

from __future__ import annotations

import copy
import email
import json
import re
from email import policy
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from markdown_it import MarkdownIt

from issuenote.errors import IssuenoteError
from issuenote.exporters import LANGS, render, render_eml

DATA = Path(__file__).parent / "data"
SCHEMA = Path(__file__).parent.parent / "issuenote" / "data" / "case.schema.json"
CASES = ("running_example", "empty_case")


def load(name: str = "running_example") -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


# -- e-mail / .eml ---------------------------------------------------------------


def parse(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_eml_parses_and_round_trips_its_subject(case: str, lang: str) -> None:
    doc = load(case)
    text = render(doc, fmt="email", lang=lang)
    subject_line, blank, body = text.split("\n", 2)
    assert subject_line.startswith("Subject: ") and blank == ""
    data = render_eml(doc, lang=lang)
    message = parse(data)
    assert message["Subject"] == subject_line.removeprefix("Subject: ")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message["MIME-Version"] == "1.0"
    assert message["Content-Language"] == {"en": "en", "zh": "zh-Hans", "ko": "ko"}[lang]
    assert message.get_content().replace("\r\n", "\n") == body
    assert parsedate_to_datetime(message["Date"]).isoformat() == doc["updated_at"]


@pytest.mark.parametrize("lang", LANGS)
def test_eml_is_seven_bit_with_crlf_and_short_lines(lang: str) -> None:
    data = render_eml(load(), lang=lang)
    assert data.isascii()  # non-ASCII subject and body are encoded
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 78
    header = data.split(b"\r\n\r\n", 1)[0]
    if lang != "en":
        assert b"=?utf-8?" in header


def test_eml_addresses() -> None:
    doc = load()
    message = parse(render_eml(doc))
    assert message["To"] == "support@okx.com"  # the support address last written to
    assert message["From"] is None  # masked: left for the mail client
    assert message["X-Unsent"] == "1"
    message = parse(render_eml(doc, redact=False))
    assert message["From"] == "alice.chen@gmail.com"
    message = parse(
        render_eml(doc, from_addr="Alice Chen <alice@example.org>", to_addr="help@x.io")
    )
    assert message["From"].addresses[0].addr_spec == "alice@example.org"
    assert message["From"].addresses[0].display_name == "Alice Chen"
    assert message["To"] == "help@x.io"
    assert parse(render_eml(load("empty_case")))["To"] is None


@pytest.mark.parametrize(
    "address", ["not an address", "a@b.c\r\nBcc: victim@x.io", "", "a@b.c, d@e.f"]
)
def test_eml_refuses_bad_addresses(address: str) -> None:
    with pytest.raises(IssuenoteError, match="address"):
        render_eml(load(), from_addr=address)


def test_eml_survives_hostile_titles() -> None:
    doc = load()
    doc["title"] = "Stuck\r\nBcc: victim@example.org\n\nfake body"
    message = parse(render_eml(doc))
    assert message["Bcc"] is None
    assert "Bcc: victim@example.org" in message["Subject"]  # folded into the subject, harmless


# -- markdown ------------------------------------------------------------------------


def commonmark() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def tables(markdown: str) -> list[list[list[str]]]:
    """Each table as rows of cell texts, from markdown-it's tokens."""
    found: list[list[list[str]]] = []
    row: list[str] = []
    in_cell = False
    for token in commonmark().parse(markdown):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_cell:
            row.append(token.content)
        elif token.type == "tr_close":
            found[-1].append(row)
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_renders_with_tables_of_the_right_size(lang: str) -> None:
    doc = load()
    markdown = render(doc, fmt="markdown", lang=lang)
    html = commonmark().render(markdown)
    assert html.count("<table>") == 3  # summary, transactions, timeline
    _summary, transactions, timeline = tables(markdown)
    assert len(transactions) == 1 + len(doc["transactions"])  # header + rows
    visible = [e for e in doc["entries"] if not e["private"]]
    assert len(timeline) == 1 + len(visible)
    assert all(len(row) == len(timeline[0]) for row in timeline)
    assert all(len(row) == 8 for row in transactions)
    assert '<a href="https://tronscan.org/#/transaction/' in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "**" not in text.replace("a***n", "")  # every bold closed
    assert "a***n@gmail.com" in text


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_empty_case_has_no_tables_but_the_summary(lang: str) -> None:
    markdown = render(load("empty_case"), fmt="markdown", lang=lang)
    assert len(tables(markdown)) == 1


NASTY = "a | b *c* _d_ [x](http://e.vil) <b>bold</b> `code` $5 and $6 ~~s~~ &amp; # h \\ end"


@pytest.mark.parametrize(
    "line",
    [NASTY, "- not a list", "1. not a list", "# not a heading", "=====", "> not a quote", "***"],
)
def test_markdown_user_text_renders_literally(line: str) -> None:
    doc = load()
    doc["entries"][0]["text"] = line
    doc["description"] = f"{line}\n{line}\n\n{line}"
    doc["title"] = line
    markdown = render(doc, fmt="markdown")
    html = commonmark().render(markdown)
    timeline = tables(markdown)[2]
    assert len(timeline) == 12 and all(len(row) == 7 for row in timeline)
    assert "<b>" not in html and "<em>" not in html.split("<h2>")[0]
    assert "<code>" not in html and '<a href="http://e.vil"' not in html
    visible = re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").replace("&quot;", '"')
    visible = visible.replace("&lt;", "<").replace("&gt;", ">")
    assert visible.count(line) >= 4  # title, timeline cell, and the description paragraphs
    assert "<ul>\n<li>not a list" not in html and "<ol>" not in html and "<blockquote>" not in html


def test_markdown_multiline_user_text_in_a_table_cell() -> None:
    doc = load()
    doc["entries"][0]["text"] = "first line\nsecond | line\n\nthird"
    markdown = render(doc, fmt="markdown")
    timeline = tables(markdown)[2]
    assert len(timeline) == 12
    assert "first line<br>second \\| line<br><br>third" in markdown


# -- JSON -----------------------------------------------------------------------------


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(
    "options",
    [{}, {"include_private": True}, {"redact": False}, {"include_private": True, "redact": False}],
)
def test_json_validates_against_the_shipped_schema(case: str, options: dict[str, Any]) -> None:
    data = json.loads(render(load(case), fmt="json", **options))
    errors = sorted(validator().iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert data["schema_version"] == 2


def test_json_with_nothing_hidden_is_the_whole_document() -> None:
    doc = load()
    data = json.loads(render(doc, fmt="json", include_private=True, redact=False))
    assert data.pop("redacted") is False
    assert data.pop("unreadable") == []
    assert data == doc


def test_json_recomputes_the_lists_consistently() -> None:
    """Rebuilt from the entries (as when private ones are hidden), the lists
    match the store's own for the fixture."""
    doc = load()
    data = json.loads(render(doc, fmt="json"))
    assert data["tickets"] == doc["tickets"]
    assert data["agents"] == doc["agents"]
    assert data["open_steps"] == doc["open_steps"]
    assert [e["id"] for e in data["entries"]] == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12]


def test_json_escapes_terminal_controls_but_keeps_the_text() -> None:
    doc = load()
    doc["description"] = "a\x1b[2Jb\x9bc\u2028d"
    text = render(doc, fmt="json")
    assert "\x1b" not in text and "\x9b" not in text and "\u2028" not in text
    assert json.loads(text)["description"] == doc["description"]


def test_json_keeps_unknown_fields_for_forward_compatibility() -> None:
    doc = copy.deepcopy(load())
    doc["entries"][0]["mood"] = "tired"
    data = json.loads(render(doc, fmt="json"))
    assert list(data["entries"][0])[-1] == "mood"


def test_json_rejects_a_malformed_ticket_list() -> None:
    doc = load()
    doc["tickets"] = "TK-1"
    with pytest.raises(IssuenoteError, match="tickets should be a list"):
        render(doc, fmt="json")


# -- HTML -----------------------------------------------------------------------------

VOID = {"meta", "br", "link", "img", "hr", "input"}


class TagChecker(HTMLParser):
    """Checks that tags nest and close, and collects what could reach the network."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_html_is_well_formed_and_self_contained(case: str, lang: str) -> None:
    html = render(load(case), fmt="html", lang=lang)
    checker = TagChecker()
    checker.feed(html)
    checker.close()
    assert checker.stack == []
    names = {tag for tag, _ in checker.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base"}
    for tag, attrs in checker.tags:
        if tag == "a":
            assert attrs["href"].startswith("https://")
            assert attrs["rel"] == "noopener noreferrer"
        assert "src" not in attrs
    assert "@import" not in html and "url(" not in html and "@font-face" not in html
    assert "@media print" in html
    assert f'<html lang="{ {"en": "en", "zh": "zh-Hans", "ko": "ko"}[lang] }">' in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_html_links_every_explorer_url() -> None:
    doc = load()
    html = render(doc, fmt="html")
    for transaction in doc["transactions"]:
        if transaction["explorer_url"]:
            assert f'href="{transaction["explorer_url"]}"' in html
    assert html.count('class="explorer"') == 1


def test_html_keeps_user_line_breaks_and_marks_flagged_entries() -> None:
    doc = load()
    doc["description"] = "line one\nline two"
    html = render(doc, fmt="html")
    assert '<p class="text">line one\nline two</p>' in html
    assert html.count('class="entry kind-reply flagged"') == 1


def test_json_passes_on_what_the_store_could_not_decrypt() -> None:
    doc = load()
    doc["unreadable"] = ["cases.account"]
    data = json.loads(render(doc, fmt="json"))
    assert data["unreadable"] == ["cases.account"]
    assert not list(validator().iter_errors(data))
