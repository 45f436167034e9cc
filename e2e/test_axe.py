"""Issue 7 "Done when": axe-core on every main page, as each demo role sees it, finds no violation and no "needs review"
item of serious or critical impact. Issue 10 adds the community safety network's main pages (e2e/network_pages.py).

Each role opens the same pages; a page its role may not open shows the 403 (or 404) page, which is checked once.
Forms are also checked after a failed submit (the error summary, aria-invalid, messages tied to their fields), and
the login page both fresh and after a wrong password. Every role is checked at a desktop width; at a phone width
(where lists are cards) the 署地域課 officer, who opens the most pages, is checked again.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from e2e.conftest import login
from e2e.network_pages import network_pages
from e2e.pagechecks import axe_problems
from e2e.test_login_roles import DEMO_ROLES
from liaison.councils.models import Council, Membership
from liaison.meetings.models import Meeting, MeetingCase
from liaison.org.models import Koban, Officer, Station
from liaison.reports.kinds import FORM1
from liaison.reports.models import PrintJob

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-pass-2025"


def main_pages() -> dict[str, str]:
    """Name → path of every main page, on the demo's 青葉警察署 and its 一番町交番."""
    station = Station.objects.get(name="青葉警察署")
    koban = Koban.objects.get(station=station, name="一番町交番")
    council = Council.objects.get(name="一番町交番連絡協議会")
    member = Membership.objects.filter(council=council, ended_on__isnull=True).select_related("person").first()
    officer = Officer.objects.filter(station=station, active=True).first()
    job = PrintJob.objects.create(
        station=station,
        requested_by=get_user_model().objects.get(username="demo_community"),
        kind=FORM1.code,
        object_ids=[member.pk],
        total=1,
        done=1,
        status=PrintJob.Status.DONE,
        finished_at=dt.datetime.now(dt.UTC),
    )
    meeting = Meeting.objects.filter(council=council, status=Meeting.Status.HELD).order_by("-starts_at").first()
    case_id = MeetingCase.objects.filter(meeting__council=council).order_by("pk").values_list("case_id", flat=True)[0]
    return {
        "home": reverse("home"),
        "council list": reverse("councils:list"),
        "council page": reverse("councils:detail", args=[council.pk]),
        "appointment form": reverse("councils:appoint", args=[council.pk]),
        "council form": reverse("councils:create"),
        "membership end": reverse("councils:membership_end", args=[member.pk]),
        "renewal workbench": reverse("councils:renewals"),
        "person list": reverse("people:list"),
        "person page": reverse("people:detail", args=[member.person_id]),
        "person form": reverse("people:create"),
        "person edit": reverse("people:edit", args=[member.person_id]),
        "officer list": reverse("org:officers"),
        "officer form": reverse("org:officer_edit", args=[officer.pk]),
        "station list": reverse("org:stations"),
        "station page": reverse("org:station", args=[station.pk]),
        "koban page": reverse("org:koban", args=[koban.pk]),
        "reorganisations": reverse("org:reorganisations"),
        "audit list": reverse("audit:list"),
        "settings": reverse("org:settings"),
        "Form 2 page": reverse("reports:setup_report", args=[council.pk]),
        "print job page": reverse("reports:job", args=[job.pk]),
        "password change": reverse("password_change"),
        "meeting list": reverse("meetings:list"),
        "meeting page": reverse("meetings:detail", args=[meeting.pk]),
        "meeting form": reverse("meetings:create") + f"?council={council.pk}",
        "attendance": reverse("meetings:attendance", args=[meeting.pk]),
        "case list": reverse("cases:list"),
        "case page": reverse("cases:detail", args=[case_id]),
        "decisions": reverse("reports:decisions"),
        "good-practice list": reverse("reports:good_practice_list"),
        **network_pages(),
    }


# Forms sent empty (or with an impossible date) to see them with their errors: name → (page, button).
FAILED_SUBMITS = {
    "person form": "登録する",
    "appointment form": "委嘱する",
    "officer form": "保存する",
    "council form": "保存する",
    "meeting form": "保存する",
    "exchange form": "記録する",
}


def test_issue7_axe_finds_nothing_on_any_main_page_for_any_role(browser, live_server):
    call_command("load_demo", verbosity=0)
    pages = main_pages()
    problems, refused_checked = [], False
    for width, height, usernames in ((1280, 800, list(DEMO_ROLES)), (390, 844, ["demo_community"])):
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(15000)

        page.goto(live_server.url + reverse("login"))
        problems += [f"{width}px login: {p}" for p in axe_problems(page)]
        page.get_by_label("ユーザー名").fill("demo_chief")
        page.get_by_label("パスワード").fill("wrong")
        page.get_by_role("button", name="ログイン").click()
        page.locator("[data-error-summary]").wait_for()
        problems += [f"{width}px login refused: {p}" for p in axe_problems(page)]

        for username in usernames:
            login(page, live_server, username, PASSWORD)
            assert page.url.rstrip("/") == live_server.url, username
            for name, path in pages.items():
                response = page.goto(live_server.url + path)
                if response.status in (403, 404):
                    if refused_checked:
                        continue
                    refused_checked = True
                assert response.status < 500, f"{username} {name}: {response.status}"
                problems += [f"{width}px {username} {name}: {p}" for p in axe_problems(page)]
                if name in FAILED_SUBMITS and response.status == 200:
                    form = page.locator("main form[method=post]").last
                    for field in form.locator("input[type=text], input:not([type]), textarea").all():
                        field.fill("")
                    date = form.locator("input[name$=date]").first
                    if date.count():
                        date.fill("令和7年2月30日")
                    form.get_by_role("button", name=FAILED_SUBMITS[name], exact=True).click()
                    page.locator("[data-error-summary]").wait_for()
                    problems += [f"{width}px {username} {name} with errors: {p}" for p in axe_problems(page)]
            page.get_by_role("button", name="ログアウト").click()
            page.wait_for_url("**/accounts/login/")
        context.close()
    assert not problems, "\n".join(problems)
