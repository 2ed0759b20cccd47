"""deploy/: the Procfile and systemd units name modules and commands that exist, so a
rename in the code cannot leave them pointing at nothing."""

from __future__ import annotations

import configparser
import importlib
import re
import shlex
from pathlib import Path

import pytest
from celery import Celery
from django.core.management import get_commands

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = ("web", "worker", "beat", "mail")


def _procfile() -> dict[str, str]:
    """Process name -> command; a commented `# name: command` line counts as optional."""
    entries = {}
    for line in (DEPLOY / "Procfile").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"#?\s*(web|worker|beat|mail):\s*(.+)", line.strip())
        if match:
            entries[match[1]] = match[2]
    return entries


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / f"clinic-inbox-{name}.service", encoding="utf-8")
    return parser


def _assert_runs_something_real(command: str) -> None:
    """The command's target exists: a WSGI module, the Celery app, or a manage.py command."""
    argv = shlex.split(command)
    program = Path(argv[0]).name
    if program == "gunicorn":
        module, _, attribute = next(a for a in argv[1:] if not a.startswith("-")).partition(":")
        assert callable(getattr(importlib.import_module(module), attribute or "application"))
    elif program == "celery":
        app_module = argv[argv.index("-A") + 1]
        assert isinstance(importlib.import_module(f"{app_module}.celery").app, Celery)
        assert argv[argv.index("-A") + 2] in {"worker", "beat"}
    else:
        assert argv[1] == "manage.py"
        assert argv[2] in get_commands(), f"no manage.py command {argv[2]!r}"
    assert "--interval" not in argv or int(argv[argv.index("--interval") + 1]) >= 1


def test_the_procfile_names_every_process_and_exactly_one_beat() -> None:
    entries = _procfile()
    lines = (DEPLOY / "Procfile").read_text(encoding="utf-8").splitlines()

    assert set(entries) == {"web", "worker", "beat", "mail"}
    assert [line.split(":")[0] for line in lines if line.startswith("beat")] == ["beat"]
    assert any(line.startswith("# mail:") for line in lines), "mail is optional: commented"
    workers = re.search(r"--workers\s+(?:\$\{WEB_CONCURRENCY:-)?(\d+)", entries["web"])
    assert workers is not None
    assert int(workers[1]) >= 2


@pytest.mark.parametrize("process", ["web", "worker", "beat", "mail"])
def test_every_procfile_command_runs_something_real(process: str) -> None:
    _assert_runs_something_real(_procfile()[process])


@pytest.mark.parametrize("name", UNITS)
def test_every_unit_runs_something_real_as_a_dedicated_user(name: str) -> None:
    service = _unit(name)["Service"]

    _assert_runs_something_real(service["ExecStart"])
    assert service["EnvironmentFile"] == "/etc/clinic-inbox/env"
    assert service["User"] == "clinic-inbox"
    assert service["Restart"] == "on-failure"


@pytest.mark.parametrize("name", UNITS)
def test_every_unit_is_hardened_with_only_the_var_dir_writable(name: str) -> None:
    service = _unit(name)["Service"]

    assert service["NoNewPrivileges"] == "true"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "true"
    var_dir = dict(line.split("=", 1) for line in service["Environment"].split())[
        "CLINIC_INBOX_VAR_DIR"
    ]
    assert service["ReadWritePaths"] == var_dir


def test_the_web_unit_runs_several_gunicorn_workers() -> None:
    argv = shlex.split(_unit("web")["Service"]["ExecStart"])

    assert int(argv[argv.index("--workers") + 1]) >= 2


def test_a_renamed_module_would_be_caught() -> None:
    with pytest.raises(ModuleNotFoundError):
        _assert_runs_something_real("gunicorn config.wsgi_renamed --workers 2")
    with pytest.raises(AssertionError, match=r"no manage\.py command 'fetch_mails'"):
        _assert_runs_something_real("python manage.py fetch_mails --interval 60")
