"""What every ``ticket-platform`` command shares: the error console, progress bars, settings."""

from __future__ import annotations

import os

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from ticket_platform.settings import Settings, SettingsError, get_settings

err = Console(stderr=True)


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
