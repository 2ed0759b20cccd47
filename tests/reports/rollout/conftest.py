"""Helpers for the rollout tests: a frozen clock on Wednesday 25 November 2026, 17:00 clinic
time, and a runner for `import_history` that returns its exit status and output."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tests.reports.conftest import local

NOW = local(2026, 11, 25, 17, 0)
HEADER = "received_at,channel,subject,message,sender_name,first_responded_at,status,resolved_at"


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def run_import(tmp_path: Path, frozen: None) -> Callable[..., Run]:
    """Write `content` (text, or bytes as given) to a file and import it."""

    def run(content: str | bytes, *args: str, encoding: str = "utf-8") -> Run:
        path = tmp_path / "history.csv"
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_history", "--csv", str(path), *args, stdout=out, stderr=err)
        except CommandError as exc:
            err.write(str(exc))
            return Run(exc.returncode, out.getvalue(), err.getvalue())
        return Run(0, out.getvalue(), err.getvalue())

    return run
