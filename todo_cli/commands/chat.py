"""`todo chat`: talk to the Gemini agent (a REPL, or one message with -m), and `todo mcp`.

The agent, google-genai and mcp are imported inside the commands: no other command pays
for them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from core.errors import BadInput, TodoError
from todo_cli import chat_render, render
from todo_cli.commands.options import Json
from todo_cli.context import service, settings, warn_deferred

if TYPE_CHECKING:
    from agent.session import ChatSession
    from agent.turn import ChatTurn, ConfirmRequest

_QUIT = frozenset({"exit", "quit", "/exit", "/quit", ":q"})


def chat(
    message: Annotated[str | None, typer.Option("--message", "-m", help="Send one message, print the answer and exit.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do deletes and changes to several tasks without asking.")] = False,
    resume: Annotated[bool, typer.Option("--continue", "-c", help="Resume the last conversation.")] = False,
    json: Json = False,
) -> None:
    """Manage tasks in plain language with the Gemini agent: `todo chat -m "what's overdue?"`.

    Once what one message changes would touch more than one task, or it deletes, stops a
    repeat or undoes, the changes are shown and asked (y/N) first; --yes skips the question,
    and without a terminal to ask such changes are refused (exit code 1). Without an API key
    (GEMINI_API_KEY or `todo config set-key`) or network, simple commands still work:
    "add call mom tomorrow 5pm", "done 12".
    """
    if json and message is None:
        raise BadInput("--json needs a message: todo chat -m \"...\" --json")
    from agent.session import ChatSession

    svc = service()
    session = ChatSession(
        svc, settings(), confirm=_confirmer(yes), conversation="last" if resume else None
    )
    if message is not None:
        printer = None if json else chat_render.ChatPrinter()
        turn = session.send(message, printer)
        if printer is not None:
            printer.end_line()
        if json:
            chat_render.chat_turn_json(turn)
        code = _outcome(turn, yes)
    else:
        code = _repl(session, yes)
    if code:
        raise typer.Exit(code)


def _outcome(turn: ChatTurn, yes: bool) -> int:
    """The turn's exit code (a change refused: 1, failed: its error's); says on stderr when
    changes were refused for want of a terminal to confirm them."""
    refused = any(c.result.get("refused") for c in turn.tool_calls)
    if refused and not yes and not _terminal():
        sys.stderr.write("note: changes that need a yes were not made: no terminal to confirm "
                         "them (use --yes)\n")
    return turn.exit_code


def _repl(session: ChatSession, yes: bool) -> int:
    """Chat until end of input; the worst exit code of the changes made on the way."""
    worst = 0
    interactive = sys.stdin.isatty()
    if interactive:
        _history()
    if not session.online:
        sys.stderr.write(
            "note: no Gemini API key (set GEMINI_API_KEY or run `todo config set-key`): "
            "only simple commands such as \"add call mom tomorrow 5pm\" or \"done 12\" work\n"
        )
    printer = chat_render.ChatPrinter()
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            break
        except KeyboardInterrupt:
            sys.stdout.write("\n")
            break
        if line.strip().lower() in _QUIT:
            break
        if not line.strip():
            continue
        turn: ChatTurn | None = None
        try:
            turn = session.send(line, printer)
        except TodoError as exc:
            printer.end_line()
            render.error(exc.message)
        printer.end_line()
        warn_deferred()  # after each turn, as before the hook ran the consumers
        if turn is not None:
            worst = max(worst, _outcome(turn, yes))
    return worst


def _history() -> None:
    """Up-arrow history across sessions, kept next to the database."""
    try:
        import atexit
        import readline
        from pathlib import Path

        from config import paths

        path = Path(paths.data_dir()) / "chat_history"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            readline.read_history_file(path)
        readline.set_history_length(1000)
        atexit.register(readline.write_history_file, path)
    except (ImportError, OSError):
        pass  # no readline on this platform: the REPL works without history


def _terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _confirmer(yes: bool) -> Callable[[ConfirmRequest], bool] | None:
    """Ask y/N on the terminal; None (nobody to ask: refused) without one, unless --yes."""
    if not yes and not _terminal():
        return None

    def ask(request: ConfirmRequest) -> bool:
        if yes:
            return True
        sys.stdout.write("\n")
        chat_render.confirm_request(request, service().now())
        try:
            answer = input("Go ahead? [y/N] ")
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")

    return ask


def mcp() -> None:
    """Serve the task tools over the Model Context Protocol on stdin/stdout.

    For assistants that speak MCP (Claude Desktop, Gemini CLI, ...). A call that deletes,
    stops a repeat, undoes or changes several tasks needs an explicit `confirm: true`
    argument: the client's human-in-the-loop.
    """
    from agent.mcp_server import serve

    serve(service())


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command()(chat)
    app.command()(mcp)
