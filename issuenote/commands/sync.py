"""`issuenote sync [init REMOTE | status]` and `issuenote key export | import`."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from issuenote.commands import PlainUsageCommand
from issuenote.commands._common import emit_json, home_of, say, warn
from issuenote.errors import IssuenoteError

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]

sync_app = typer.Typer(
    name="sync",
    help="Sync the notebook through a git remote, end-to-end encrypted.",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)
key_app = typer.Typer(
    name="key",
    help="Carry the notebook key to another device.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@sync_app.callback()
def sync(
    ctx: typer.Context,
    as_json: JsonOption = False,
    background: Annotated[bool, typer.Option("--background", hidden=True)] = False,
) -> None:
    """Pull, merge and push: every device ends with every case.

    Run `issuenote sync init REMOTE` once per device first. Each device
    pushes only encrypted files of its own, so git never has a conflict to
    resolve; cases edited on two devices are merged by issuenote, keeping
    both values in sight.

    \b
    Examples:
      issuenote sync
      issuenote sync --json
    """
    if ctx.invoked_subcommand is not None:
        return
    home = home_of(ctx)
    if background:
        from issuenote.sync import auto

        auto.run_in_background(home)
        return
    from issuenote.sync import engine

    report = engine.run(home)
    if as_json:
        emit_json(report.as_dict())
    else:
        say(_summary(report))
    for message in report.warnings:
        warn(message)


@sync_app.command("init", cls=PlainUsageCommand)
def init(
    ctx: typer.Context,
    remote: Annotated[
        str,
        typer.Argument(
            metavar="REMOTE",
            help="A git remote you can push to: git@host:me/cases.git, https://..., "
            "or a path to a bare repository.",
        ),
    ],
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="NAME", help="This device's name (default: the host name)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Set up sync: create the notebook on an empty remote, or join it.

    To join from a second device, set ISSUENOTE_KEY to the key that
    `issuenote key export` shows on the first. A wrong key is refused and
    nothing is written.

    \b
    Examples:
      issuenote sync init git@github.com:me/cases.git --name laptop
      issuenote sync init /media/usb/cases.git
    """
    from issuenote.sync import engine

    report = engine.init(home_of(ctx), remote, device_name=name)
    for message in report.warnings:
        warn(message)
    if as_json:
        emit_json(report.as_dict())
        return
    if report.created_remote:
        say(f"Created the synced notebook on {report.remote} as device {report.device_name!r}.")
        say(
            "To add another device, run `issuenote key export` here and, there, "
            f"`ISSUENOTE_KEY=... issuenote sync init {report.remote}`."
        )
    else:
        say(f"Joined the synced notebook on {report.remote} as device {report.device_name!r}.")
    say(_summary(report))


@sync_app.command("status", cls=PlainUsageCommand)
def status(
    ctx: typer.Context,
    offline: Annotated[
        bool, typer.Option("--offline", help="Do not ask the remote; local facts only.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Where sync stands: remote, device, last sync, changes waiting each way.

    \b
    Examples:
      issuenote sync status
      issuenote sync status --offline --json
    """
    from issuenote.parse import timeparse
    from issuenote.sync import engine

    info = engine.status(home_of(ctx), fetch=not offline)
    if as_json:
        emit_json(info)
        return
    last = info["last_sync_at"]
    say(f"Remote:    {info['remote']}")
    say(f"Device:    {info['device_name']}")
    say("Last sync: " + (f"{timeparse.format_local(last, style='long')}" if last else "never"))
    say(f"To send:   {_count(info['ahead'], 'changed case')}")
    if info["remote_checked"]:
        say(f"To fetch:  {_count(info['behind'], 'new file')} on the remote")
    elif info["remote_problem"]:
        say(f"To fetch:  unknown ({info['remote_problem']})")
    else:
        say("To fetch:  not checked (--offline)")
    if info["background_failure"]:
        warn(f"the last background sync failed {info['background_failure']}")


def _count(number: int | None, noun: str) -> str:
    if number is None:
        return "unknown"
    if number == 0:
        return "nothing"
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _summary(report: Any) -> str:
    came: list[str] = []
    if report.cases_added:
        came.append(_count(len(report.cases_added), "new case"))
    if report.cases_updated:
        came.append(_count(len(report.cases_updated), "updated case"))
    if report.cases_deleted:
        came.append(_count(len(report.cases_deleted), "deleted case"))
    went: list[str] = []
    if report.sent_cases:
        went.append(_count(report.sent_cases, "case"))
    if report.sent_deletions:
        went.append(_count(report.sent_deletions, "deletion"))
    parts = [
        f"in: {', '.join(came) if came else 'nothing new'}",
        f"out: {', '.join(went) if went else 'nothing new'}",
    ]
    line = f"Synced with {report.remote} ({'; '.join(parts)})."
    if report.conflicts:
        numbers = ", ".join(str(n) for n in report.conflicts)
        line += (
            f" Case(s) {numbers} were changed on two devices: the later values were kept "
            "and the others noted in the case."
        )
    return line


# -- key ----------------------------------------------------------------------------


@key_app.command("export", cls=PlainUsageCommand)
def key_export(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Show the notebook key, to set up another device (ISSUENOTE_KEY=... there).

    Anyone with the key and the remote can read every case: keep it like a
    password. On a terminal it asks first.

    \b
    Examples:
      issuenote key export
      issuenote key export --yes
    """
    from issuenote.commands._common import open_store
    from issuenote.safety.keys import encode_key
    from issuenote.sync.engine import notebook_key

    if sys.stdin.isatty() and not yes:
        typer.confirm(
            "The key opens every encrypted field and every synced file. Show it?",
            abort=True,
            err=True,
        )
    with open_store(ctx, create=True) as store:
        key = notebook_key(store, create=True)
    warn(
        "this is the notebook key: anyone who has it and your sync remote or a backup can "
        "read everything; do not paste it into a chat or a ticket"
    )
    sys.stdout.write(encode_key(key) + "\n")


@key_app.command("import", cls=PlainUsageCommand)
def key_import(
    ctx: typer.Context,
    key: Annotated[
        str | None,
        typer.Argument(
            metavar="[KEY]",
            help="The key from `key export`; - reads it from stdin; none asks for it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Keep a key from another device for this notebook.

    It goes where a new key would: the OS keyring, else the key file.

    Needed only if this notebook should open data written under that key
    without ISSUENOTE_KEY set. A notebook already encrypted under another key
    is refused.

    \b
    Examples:
      issuenote key import
      issuenote key import -
    """
    from issuenote.commands._common import open_store
    from issuenote.safety.fieldcrypt import key_check_value
    from issuenote.safety.keys import decode_key, install_key

    if key == "-":
        text = sys.stdin.readline()
    elif key is not None:
        text = key
        if sys.stdin.isatty():
            warn("a key given as an argument stays in your shell history; prefer `key import`")
    elif sys.stdin.isatty():
        text = typer.prompt("Key", hide_input=True, err=True)
    else:
        text = sys.stdin.readline()
    try:
        decoded = decode_key(text)
    except ValueError as error:
        raise IssuenoteError(f"not a notebook key: {error}") from None
    with open_store(ctx, create=True) as store:
        kcv = store.meta("kcv")
        info = install_key(store.home, store.notebook_id(), decoded, kcv=kcv)
        if kcv is None:
            with store.writing():
                store.set_meta("kcv", key_check_value(decoded))
    say(f"The key is kept in {info.backend}.")
    if info.warning:
        warn(info.warning)
    if os.environ.get("ISSUENOTE_KEY"):
        say("ISSUENOTE_KEY is set and is used before it; unset it to use the kept key.")
