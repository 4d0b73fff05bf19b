"""The ``sendwatch`` command line: a thin click layer over library functions.

Each command lives in its own module under ``sendwatch/commands/`` and receives a ``Runtime``
(config path, lazily loaded config, lazily opened database). Errors users can fix (a bad
config, an unreachable database, a file that cannot be written) end with one clear line and a
non-zero exit, never a traceback (``SENDWATCH_TRACEBACK=1`` shows one for an unexpected error).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
from pathlib import Path

import click

from sendwatch import __version__
from sendwatch.commands import COMMANDS
from sendwatch.core.failures import ConfigError, DatabaseError

EXIT_CONFIG = 2
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130
TRACEBACK_ENV = "SENDWATCH_TRACEBACK"


class LazyGroup(click.Group):
    """A click group that imports each command's module only when the command is needed."""

    def __init__(self, *args, lazy_commands: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_commands])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy_commands:
            return super().get_command(ctx, name)
        module_name, attribute = self.lazy_commands[name].split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, each with its docstring's first sentence read from the module's
        source, so listing the commands imports none of them (Scrapy, the PDF engines)."""
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy_commands:
                summary = click.Command(name, help=command_help(self.lazy_commands[name])).get_short_help_str(limit)
                rows.append((name, summary))
                continue
            command = super().get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def command_help(target: str) -> str:
    """The docstring of the command function at ``module:function``, read without importing it."""
    module_name, attribute = target.split(":")
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        return ""
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == attribute:
            return ast.get_docstring(node) or ""
    return ""


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Config file. Default: $SENDWATCH_CONFIG, else ./config.yaml.",
)
@click.version_option(__version__, prog_name="sendwatch")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Watch English councils' papers for news about their SEND deficits.

    sendwatch crawls each council's schools forum and committee papers, reads them for
    safety valve, enhanced monitoring, withheld payments, DBV and deficit news, keeps each
    council's status over time, and emails subscribers when a status changes.

    Quick look: sendwatch demo
    """
    # Imported here, not at the top: --help and --version need neither pydantic nor SQLAlchemy.
    from sendwatch.commands.runtime import Runtime
    from sendwatch.core.config import default_config_path

    runtime = Runtime(config_path or default_config_path())
    ctx.obj = runtime
    ctx.call_on_close(runtime.close)


def main() -> None:
    """Console entry point: run the CLI, turning user-fixable errors into one line each."""
    try:
        # Without standalone mode click returns an exit code instead of exiting.
        code = cli.main(standalone_mode=False)
    except ConfigError as error:
        for issue in error.issues:
            click.echo(str(issue), err=True)
        sys.exit(EXIT_CONFIG)
    except DatabaseError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_FAILURE)
    except click.exceptions.Abort as error:
        if isinstance(error.__cause__, KeyboardInterrupt):  # click turns Ctrl-C (and SIGTERM, see lifetime) into Abort
            click.echo(f"sendwatch: {error.__cause__ or 'interrupted'}; stopped cleanly.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_FAILURE)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except KeyboardInterrupt as interrupted:  # Ctrl-C, or SIGTERM where a command unwinds on it
        click.echo(f"sendwatch: {interrupted or 'interrupted'}; stopped cleanly.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except OSError as error:  # a file or folder the command needs (full disk, permissions, missing)
        where = f" {error.filename}" if getattr(error, "filename", None) else ""
        click.echo(f"sendwatch: cannot use{where}: {error.strerror or error}", err=True)
        sys.exit(EXIT_FAILURE)
    except Exception as error:  # a bug: one line, and the traceback on request
        if os.environ.get(TRACEBACK_ENV):
            raise
        first = (str(error).splitlines() or [""])[0]
        click.echo(
            f"sendwatch: unexpected error: {error.__class__.__name__}: {first} (set {TRACEBACK_ENV}=1 to see where)", err=True
        )
        sys.exit(EXIT_FAILURE)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
