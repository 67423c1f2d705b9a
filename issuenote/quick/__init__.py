"""The commands used mid-chat, without typer: note, reply, show, search, export CASE, the agenda.

`dispatch` reads their plain command lines and runs them at once; every other
form goes to typer (issuenote.cli). The other modules are these commands'
bodies, which the typer commands (issuenote.commands) call as well, so both
ways print and write the same.
"""
