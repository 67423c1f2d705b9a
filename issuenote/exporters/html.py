"""The HTML export: one self-contained page, for the screen and for print.

Inline CSS only, no scripts, no fonts or images from anywhere (a Content
Security Policy makes the browser refuse any), system fonts with CJK
fallbacks, a print stylesheet for "Save as PDF", and explorer links for the
transactions. Every piece of user text is HTML-escaped.
"""

from __future__ import annotations

from html import escape as _escape

from issuenote.exporters.common import CaseView, Entry
from issuenote.exporters.text import summary_pairs

HTML_LANG = {"en": "en", "zh": "zh-Hans", "ko": "ko"}

_CSS = """
:root {
  color-scheme: light;
  --ink: #1d232b; --muted: #5b6573; --line: #d9dee5; --paper: #ffffff;
  --panel: #f5f7fa; --accent: #1f5fbf; --warn-bg: #fff6e0; --warn-line: #e0a100;
  --warn-ink: #6b4a00; --code: #0f3d6e;
}
* { box-sizing: border-box; }
html {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue",
    Arial, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Apple SD Gothic Neo",
    "Malgun Gothic", "Noto Sans CJK KR", sans-serif;
  font-size: 15px; line-height: 1.55; color: var(--ink); background: var(--paper);
}
html:lang(zh) {
  font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", sans-serif;
}
html:lang(ko) {
  font-family: system-ui, -apple-system, "Segoe UI", "Apple SD Gothic Neo", "Malgun Gothic",
    "Noto Sans CJK KR", "Noto Sans KR", "Source Han Sans K", "NanumGothic", sans-serif;
  word-break: keep-all;
}
body { margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.3; margin: 0 0 .4rem; }
h2 {
  font-size: 1.15rem; margin: 2rem 0 .75rem; padding-bottom: .3rem;
  border-bottom: 1px solid var(--line);
}
.badges { margin: 0 0 1.25rem; display: flex; flex-wrap: wrap; gap: .4rem; }
.badge {
  display: inline-block; padding: .1rem .6rem; border-radius: 999px; font-size: .85rem;
  background: var(--panel); border: 1px solid var(--line);
}
.badge.status { background: #e8f0fc; border-color: #b8cdee; color: #173f7a; }
dl.summary {
  display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.25rem; margin: 0;
  padding: 1rem 1.25rem; background: var(--panel); border: 1px solid var(--line);
  border-radius: 8px;
}
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; overflow-wrap: anywhere; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
code, .id {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono",
    "Noto Sans Mono", monospace;
  font-size: .88em; color: var(--code); overflow-wrap: anywhere; word-break: break-all;
}
table { width: 100%; border-collapse: collapse; font-size: .92rem; }
th, td {
  text-align: left; vertical-align: top; padding: .45rem .6rem;
  border-bottom: 1px solid var(--line);
}
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.amount { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
a { color: var(--accent); }
ol.timeline { list-style: none; margin: 0; padding: 0; }
ol.timeline > li {
  position: relative; margin: 0 0 .9rem; padding: .7rem 1rem .75rem;
  border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px;
}
ol.timeline > li.flagged { border-left-color: var(--warn-line); background: var(--warn-bg); }
ol.timeline > li.private { border-style: dashed; }
.entry-head { display: flex; flex-wrap: wrap; gap: .2rem .75rem; align-items: baseline; }
.entry-head .no { color: var(--muted); font-variant-numeric: tabular-nums; }
.entry-head .kind { font-weight: 600; }
.entry-head .when { color: var(--muted); font-size: .9rem; }
.entry-head .where { color: var(--muted); font-size: .9rem; }
dl.fields {
  display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .45rem 0 0;
}
dl.fields dt { color: var(--muted); }
dl.fields dd { margin: 0; overflow-wrap: anywhere; }
.entry-text { margin: .4rem 0 0; }
.warnings {
  margin: 1.5rem 0 0; padding: .8rem 1.1rem; background: var(--warn-bg);
  border: 1px solid var(--warn-line); border-left-width: 4px; border-radius: 6px;
  color: var(--warn-ink);
}
.warnings h2 { border: 0; margin: 0 0 .4rem; padding: 0; color: var(--warn-ink); }
.warnings ul, .flag-list { margin: .3rem 0 0; padding-left: 1.2rem; }
.flag { font-weight: 600; color: var(--warn-ink); }
.request {
  padding: .9rem 1.2rem; border: 1px solid #b8cdee; background: #eef4fd; border-radius: 8px;
}
.request h2 { border: 0; margin: 0 0 .4rem; padding: 0; }
.empty { color: var(--muted); font-style: italic; }
html:lang(zh) .empty, html:lang(ko) .empty { font-style: normal; }  /* no fake CJK italics */
footer { margin-top: 2.5rem; color: var(--muted); font-size: .85rem; }
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  html { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  ol.timeline > li, tr, .warnings, .request, dl.summary { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  a.explorer::after { content: " " attr(href); font-size: .8em; color: var(--muted);
    overflow-wrap: anywhere; word-break: break-all; }
  .badge, dl.summary, th, ol.timeline > li.flagged, .warnings, .request {
    -webkit-print-color-adjust: exact; print-color-adjust: exact;
  }
}
"""


def _e(text: str) -> str:
    return _escape(text, quote=True)


def _text_block(text: str, css_class: str = "text") -> str:
    """User text as written, line breaks kept by CSS rather than markup."""
    return f'<p class="{css_class}">{_e(text)}</p>'


def _summary(view: CaseView) -> list[str]:
    rows = []
    for label, value in summary_pairs(view):
        rows.append(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>")
    if not rows:
        return []
    return ['<dl class="summary">', *rows, "</dl>"]


def _warnings(view: CaseView) -> list[str]:
    if not view.flagged:
        return []
    tr = view.tr
    out = ['<section class="warnings">', f"<h2>\u26a0 {_e(tr('sec_warnings'))}</h2>", "<ul>"]
    for entry in view.flagged:
        parts = [
            f"<strong>{_e(tr.time_with_utc(entry.at))} · {_e(view.entry_head(entry))}</strong>"
        ]
        if entry.agent or entry.agent_id:
            parts.append(_e(tr.label("agent", view.agent_ref(entry.agent, entry.agent_id))))
        if entry.flags:
            parts.append(
                f'<span class="flag">{_e(tr.label("flags", view.flag_names(entry)))}</span>'
            )
        parts.extend(_e(warning) for warning in entry.warnings)
        out.append("<li>" + "<br>".join(parts) + "</li>")
    out += ["</ul>", "</section>"]
    return out


def _transactions(view: CaseView) -> list[str]:
    tr = view.tr
    out = [f"<h2>{_e(tr('sec_transactions'))}</h2>"]
    if not view.transactions:
        return [*out, f'<p class="empty">{_e(tr("no_transactions"))}</p>']
    header = (
        f'<th class="num">{_e(tr("number"))}</th><th>{_e(tr("txid_or_order"))}</th>'
        f"<th>{_e(tr('chain'))}</th><th>{_e(tr('asset'))}</th>"
        f'<th class="num">{_e(tr("amount"))}</th><th>{_e(tr("tx_kind"))}</th>'
        f"<th>{_e(tr('time'))}</th>"
    )
    out += ["<table>", f"<thead><tr>{header}</tr></thead>", "<tbody>"]
    for number, transaction in enumerate(view.transactions, start=1):
        txid = f'<span class="id">{_e(transaction.txid)}</span>'
        label = f"<small>{_e(view.id_label(transaction))}</small><br>"
        if transaction.explorer_url:
            url = _e(transaction.explorer_url)
            link = (
                f'<br><a class="explorer" href="{url}" rel="noopener noreferrer" '
                f'target="_blank">{_e(tr("explorer_link"))}</a>'
            )
        else:
            link = ""
        for key, value in transaction.extra_pairs():
            link += f'<br><small>{_e(tr(key))}</small> <span class="id">{_e(value)}</span>'
        if transaction.memo_missing:
            link += f'<br><strong class="warn">⚠ {_e(tr("memo_missing"))}</strong>'
        cells = [
            f'<td class="num">{number}</td>',
            f"<td>{label}{txid}{link}</td>",
            f"<td>{_e(view.chain_name(transaction)) or '—'}</td>",
            f"<td>{_e(transaction.asset or '—')}</td>",
            f'<td class="amount">{_e(transaction.amount or "—")}</td>',
            f"<td>{_e(tr.name('tx_kind', transaction.kind) or '—')}</td>",
            f"<td>{_e(tr.time_with_utc(transaction.at)) if transaction.at else '—'}</td>",
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _entry(view: CaseView, number: int, entry: Entry) -> str:
    tr = view.tr
    classes = ["entry", f"kind-{_e(entry.kind)}"]
    if entry.flags or entry.warnings:
        classes.append("flagged")
    if entry.private:
        classes.append("private")
    head = [
        f'<span class="no">{number}.</span>',
        f'<span class="kind">{_e(tr.name("kind", entry.kind))}</span>',
        f'<span class="when">{_e(tr.time_with_utc(entry.at))}</span>',
    ]
    where = view.channel_text(entry)
    if where:
        head.append(f'<span class="where">{_e(where)}</span>')
    if entry.private:
        head.append(f'<span class="badge">{_e(tr("private"))}</span>')
    body = [f'<div class="entry-head">{"".join(head)}</div>']
    fields: list[str] = []
    warnings: list[str] = []
    for key, value in view.entry_fields(entry, tr.time_with_utc):
        if key is None:
            body.append(_text_block(value, "text entry-text"))
        elif key == "warnings":
            warnings.append(f"<li>{_e(value)}</li>")
        else:
            css = ' class="flag"' if key == "flags" else ""
            shown = f'<span class="id">{_e(value)}</span>' if key == "ticket" else _e(value)
            fields.append(f"<dt>{_e(tr(key))}</dt><dd{css}>{shown}</dd>")
    if fields:
        body.append('<dl class="fields">' + "".join(fields) + "</dl>")
    if warnings:
        body.append('<ul class="flag-list">' + "".join(warnings) + "</ul>")
    return f'<li class="{" ".join(classes)}">' + "".join(body) + "</li>"


def render_html(view: CaseView) -> str:
    tr = view.tr
    title = tr("report_title", id=view.id, title=view.title).replace("\n", " ")
    badges = []
    if view.status:
        badges.append(f'<span class="badge status">{_e(tr.name("status", view.status))}</span>')
    if view.category:
        badges.append(f'<span class="badge">{_e(tr.name("category", view.category))}</span>')
    if view.platform:
        badges.append(f'<span class="badge">{_e(view.platform)}</span>')

    out = [
        "<!DOCTYPE html>",
        f'<html lang="{HTML_LANG[tr.lang]}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="referrer" content="no-referrer">',
        '<meta name="generator" content="issuenote">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<div class="badges">{"".join(badges)}</div>' if badges else "",
        "</header>",
        *_summary(view),
        *_warnings(view),
    ]
    if view.description:
        out += [f"<h2>{_e(tr('sec_description'))}</h2>", _text_block(view.description)]
    out += _transactions(view)
    out.append(f"<h2>{_e(tr('sec_timeline'))}</h2>")
    if view.entries:
        out.append('<ol class="timeline">')
        out += [_entry(view, number, entry) for number, entry in enumerate(view.entries, 1)]
        out.append("</ol>")
    else:
        out.append(f'<p class="empty">{_e(tr("no_entries"))}</p>')
    out.append(f"<h2>{_e(tr('sec_open_steps'))}</h2>")
    if view.open_steps:
        out.append("<ul>")
        for step in view.open_steps:
            due = tr("due_suffix", time=tr.time_with_utc(step.due)) if step.due else ""
            out.append(f'<li><span class="text">{_e(step.text)}</span>{_e(due)}</li>')
        out.append("</ul>")
    else:
        out.append(f'<p class="empty">{_e(tr("no_open_steps"))}</p>')
    out += [
        '<section class="request">',
        f"<h2>{_e(tr('sec_request'))}</h2>",
        f"<p>{_e(view.request)}</p>",
        "</section>",
        f"<footer>{_e(tr('report_footer'))}"
        + (f"<br><code>{_e(view.chain_line)}</code>" if view.chain_line else "")
        + "</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(line for line in out if line) + "\n"
