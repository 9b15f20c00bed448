"""Commands added by installed packages (the demo's generate and simulate) through the
``ticket_platform.cli`` entry point: loaded when they work, named and skipped when they do not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import typer
from typer.testing import CliRunner

from ticket_platform.cli import main


@dataclass
class FakeEntryPoint:
    value: str
    loaded: Any

    def load(self) -> Any:
        if isinstance(self.loaded, Exception):
            raise self.loaded
        return self.loaded


def _register(application: typer.Typer) -> None:
    @application.command()
    def hello() -> None:
        print("hello from an add-on")


def test_an_add_on_that_fails_to_load_is_named_and_the_rest_still_runs(monkeypatch, capsys):
    broken = FakeEntryPoint("broken_addon.cli:register", ImportError("no module named broken"))
    working = FakeEntryPoint("good_addon.cli:register", _register)
    monkeypatch.setattr(main, "entry_points", lambda group: [broken, working])
    application = typer.Typer()

    @application.command()
    def own() -> None:
        print("the platform's own command")

    main._add_installed_commands(application)

    assert "broken_addon.cli:register not loaded: ImportError" in capsys.readouterr().err
    assert "hello from an add-on" in CliRunner().invoke(application, ["hello"]).output
    assert "own command" in CliRunner().invoke(application, ["own"]).output


def test_the_installed_demo_adds_generate_and_simulate():
    names = {command.name or command.callback.__name__ for command in main.app.registered_commands}
    assert {"run", "init", "calibrate", "docs", "route", "generate", "simulate"} <= names
