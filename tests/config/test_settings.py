"""The settings module, loaded in a fresh process the way production starts it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "prod-7Hq2!vLm9#Zt4@Wc8&Rb1^Nk6*Jd3%Xp5$Gy0~Fs" * 2,
    "ALLOWED_HOSTS": "inbox.example-clinic.org",
    "CSRF_TRUSTED_ORIGINS": "https://inbox.example-clinic.org",
    "DATABASE_URL": "sqlite:////tmp/clinic-inbox-deploy-check.sqlite3",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    dropped = {*PRODUCTION, "SECRET_KEY_FILE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_variables(tmp_path: Path) -> None:
    result = manage("check", "--deploy", **PRODUCTION, CLINIC_INBOX_VAR_DIR=str(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_secret_key_is_required_when_debug_is_off(tmp_path: Path) -> None:
    env = PRODUCTION | {"SECRET_KEY": "", "CLINIC_INBOX_VAR_DIR": str(tmp_path)}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG is off" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret"
    key_file.write_text(PRODUCTION["SECRET_KEY"][::-1])
    env = PRODUCTION | {"SECRET_KEY": "", "CLINIC_INBOX_VAR_DIR": str(tmp_path)}

    result = manage("check", "--deploy", **env, SECRET_KEY_FILE=str(key_file))

    assert result.returncode == 0, result.stderr


def test_a_mistyped_boolean_stops_start_up(tmp_path: Path) -> None:
    result = manage("check", DEBUG="ture", CLINIC_INBOX_VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'ture'" in result.stderr


def test_development_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    manage("check", CLINIC_INBOX_VAR_DIR=str(tmp_path))
    first = (tmp_path / "secret_key").read_text()
    manage("check", CLINIC_INBOX_VAR_DIR=str(tmp_path))

    assert len(first) >= 50
    assert (tmp_path / "secret_key").read_text() == first
