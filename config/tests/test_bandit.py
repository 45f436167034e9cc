"""bandit, Python's security linter, finds nothing of medium or high severity in the app's code (its settings, and
what it leaves out, are in pyproject.toml under [tool.bandit]). A finding that is a false positive is marked where it
is, ``# nosec BXXX`` with the reason beside it."""

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def _bandit(*targets: str, cwd: Path = BASE_DIR) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bandit", "-c", str(BASE_DIR / "pyproject.toml"), "-r", *targets]
        + ["--severity-level", "medium", "--quiet", "--format", "txt"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_bandit_finds_no_medium_or_high_issue():
    result = _bandit("liaison", "config", "manage.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_bandit_reports_a_planted_issue(tmp_path):
    """The check is live: an unescaped stored value and a shell command in a module are reported."""
    (tmp_path / "planted.py").write_text(
        "import subprocess\n"
        "from django.utils.safestring import mark_safe\n"
        "def note(person):\n"
        "    return mark_safe(person.note)\n"
        "def run(name):\n"
        "    subprocess.call('ls ' + name, shell=True)\n",
        encoding="utf-8",
    )
    result = _bandit(str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "B308" in result.stdout and "B602" in result.stdout
