"""X2: each demo role logs in through a real Chromium and sees its own home page and menu."""

import pytest
from django.core.management import call_command

from e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# username → (role shown on the home page, a menu item it must have, a menu item it must not have)
DEMO_ROLES = {
    "demo_hq_admin": ("本部地域課（管理者）", "県の設定", None),
    "demo_hq_staff": ("本部各所属", "警察署", "県の設定"),
    "demo_chief": ("署長", "監査記録", "県の設定"),
    "demo_deputy": ("副署長・次長", "監査記録", "再編整備"),
    "demo_community": ("署地域課", "警察署", "監査記録"),
    "demo_section": ("署各課", "警察署", "監査記録"),
    "demo_koban_chief": ("交番所長・駐在所長", "職員", "監査記録"),
    "demo_koban_staff": ("交番・駐在所勤務員", "職員", "再編整備"),
}


def test_x2_each_demo_role_logs_in_and_sees_its_home(page, live_server):
    call_command("load_demo", verbosity=0)
    for username, (role_label, has_item, lacks_item) in DEMO_ROLES.items():
        login(page, live_server, username, "demo-pass-2025")
        assert page.url.rstrip("/") == live_server.url, f"{username} did not reach home: {page.url}"
        heading = page.get_by_role("heading", level=1)
        assert role_label in heading.inner_text()
        nav = page.get_by_role("navigation", name="メインメニュー")
        assert nav.get_by_role("link", name=has_item, exact=True).count() == 1
        if lacks_item:
            assert nav.get_by_role("link", name=lacks_item, exact=True).count() == 0
        page.get_by_role("button", name="ログアウト").click()
        page.wait_for_url("**/accounts/login/")


def test_x2_wrong_password_shows_japanese_error(page, live_server):
    call_command("load_demo", verbosity=0)
    login(page, live_server, "demo_chief", "wrong-password")
    assert "ユーザー名またはパスワードが正しくありません" in page.content()
