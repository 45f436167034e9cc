"""Production settings pass Django's deployment checks, and the gunicorn settings read the environment."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS="koban.example.jp",
        VAR_DIR=str(tmp_path / "var"),
    )
    return env


def test_check_deploy_passes_with_production_settings(tmp_path):
    """The security check for production settings: `check --deploy` finds nothing, not even a warning."""
    env = _production_env(tmp_path)
    assert len(env["SECRET_KEY"]) == 60
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output


def _gunicorn_settings(monkeypatch, **env: str) -> dict:
    for name in ("BIND", "PORT", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))


def test_gunicorn_defaults_listen_locally_with_workers_per_core(monkeypatch):
    conf = _gunicorn_settings(monkeypatch)
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == 2 * os.cpu_count() + 1
    assert conf["accesslog"] == "-"
    assert conf["wsgi_app"] == "config.wsgi:application"


def test_gunicorn_reads_port_workers_and_trusted_proxies_from_environment(monkeypatch):
    conf = _gunicorn_settings(monkeypatch, PORT="9000", WEB_CONCURRENCY="3", FORWARDED_ALLOW_IPS="10.0.0.5")
    assert conf["bind"] == ["0.0.0.0:9000"]
    assert conf["workers"] == 3
    assert conf["forwarded_allow_ips"] == "10.0.0.5"
