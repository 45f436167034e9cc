"""Smoke test of ``manage.py bench``: it runs end to end and prints its table. No assertion on time.

No ``django_db`` mark: the command must not open the test database (pytest-django would refuse), because it measures
in a child process on a throw-away database of its own.
"""

import io
import re

import pytest
from django.core.management import CommandError, call_command


def test_bench_prints_the_table_with_query_counts():
    out = io.StringIO()
    call_command("bench", "--runs", "1", "--quick", stdout=out)
    text = out.getvalue()
    assert "データベース SQLite" in text
    assert re.search(r"^項目\s+回数\s+中央値 ms\s+p95 ms\s+クエリ数$", text, re.M)
    assert re.search(r"^load_demo\s+1\s+[\d.]+\s+[\d.]+\s+\d+$", text, re.M)
    assert re.search(r"^ホーム（署長）\s+1\s+[\d.]+\s+[\d.]+\s+\d+$", text, re.M)
    assert re.search(r"^協議会一覧（署長）\s+1\s+[\d.]+\s+[\d.]+\s+\d+$", text, re.M)
    assert "--quick: 1回目を省き" in text
    assert "計測できませんでした" not in text


def test_bench_refuses_runs_below_one():
    with pytest.raises(CommandError):
        call_command("bench", "--runs", "0")


def test_inside_is_refused_outside_the_child(monkeypatch):
    monkeypatch.delenv("LIAISON_BENCH_INSIDE", raising=False)
    with pytest.raises(CommandError, match="内部"):
        call_command("bench", "--inside")
