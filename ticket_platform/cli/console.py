"""What every ``ticket-platform`` command shares: the error console, progress bars, settings."""

from __future__ import annotations

import os
import signal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from ticket_platform.settings import Settings, SettingsError, get_settings

err = Console(stderr=True)


def keep_sigterm_working() -> None:
    """Let SIGTERM stop this process and its children however it was started.

    A shell starts a background job (``nohup ticket-platform run &``, cron, a CI step without job
    control) with SIGINT ignored. Dagster maps SIGTERM to SIGINT's handler for each in-process run
    and restores it afterwards, so the process, and every child it starts after (dbt, the
    compute-log ``tail``), would then ignore SIGTERM and ``kill <pid>`` would do nothing. The
    terminal's Ctrl-C reaches only the foreground group, so restoring the default here changes
    nothing for a background job but that.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_IGN:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def progress_bar(console: Console) -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        "[progress.percentage]{task.percentage:>3.0f}%",
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal and os.environ.get("TICKET_PROGRESS") != "1",
    )


def settings_or_exit() -> Settings:
    """The settings, or exit with status 2 and the configuration error.

    The resources are built too (and dropped), so a bad judge, alert or Redshift variable stops
    every command here, as it stops the code location from loading.
    """
    from ticket_platform.resources import platform_resources

    try:
        settings = get_settings()
        platform_resources(settings)
        return settings
    except SettingsError as error:
        err.print(f"[red]configuration error:[/red] {error}")
        raise typer.Exit(code=2) from error
