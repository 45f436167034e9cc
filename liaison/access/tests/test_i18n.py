"""X3: screens are Japanese first, English through gettext; the official forms stay Japanese.

The English catalogue is ``locale/en/LC_MESSAGES/django.po``; its compiled ``django.mo`` is committed so that nothing
needs GNU gettext at run time. After changing a screen text: ``manage.py makemessages -l en --ignore='.venv/*'
--ignore='var/*'``, translate the new entries, then ``manage.py compilemessages -l en --ignore='.venv/*'`` (needs
Debian's ``gettext``). The tests below fail while the .po has an untranslated or fuzzy entry, while the .mo is not
compiled from the current .po, and while a screen template has Japanese text outside a translate tag.
"""

import ast
import datetime
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override
from django.utils.translation.template import templatize

PO = Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")
TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The official forms (様式) are printed in Japanese whatever the screen language, and so are the handouts of safety
# information given to residents; the reports folder's other templates are screens like any other.
OFFICIAL_FORMS = {
    TEMPLATES / "reports" / name
    for name in (
        "pdf_base.html",
        "appointment_letter.html",
        "setup_report.html",
        "meeting_report.html",
        "safety_info_handout.html",
        "contact_list.html",  # 連絡員一覧表 (N2.4)
    )
}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def po_entries(path=PO):
    """(msgctxt or None, msgid, msgstr, flags) for every entry but the header; a small reader for our own .po."""
    entries, entry, field = [], None, None

    def close():
        if entry and entry["msgid"]:
            entries.append((entry["msgctxt"], entry["msgid"], entry["msgstr"], entry["flags"]))

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": "", "msgstr": "", "flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            assert field in ("msgctxt", "msgid", "msgstr"), f"unexpected line in {path.name}: {line}"
            entry[field] = ast.literal_eval(value)
    close()
    return entries


def placeholders(text):
    return sorted(re.findall(r"%\(\w+\)s", text))


# --- The catalogue --------------------------------------------------------------------------------------------


def test_every_message_has_an_english_translation():
    """X3: no msgid in the English catalogue is left empty or fuzzy, and placeholders survive the translation."""
    entries = po_entries()
    assert len(entries) > 300
    untranslated = [msgid for _, msgid, msgstr, _ in entries if not msgstr.strip()]
    assert not untranslated, f"msgids without English: {untranslated}"
    fuzzy = [msgid for _, msgid, _, flags in entries if "fuzzy" in flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8"), "the header is still marked fuzzy"
    broken = [msgid for _, msgid, msgstr, _ in entries if placeholders(msgid) != placeholders(msgstr)]
    assert not broken, f"placeholders differ between Japanese and English: {broken}"
    still_japanese = [msgstr for _, _, msgstr, _ in entries if JAPANESE.search(msgstr)]
    # Era dates are quoted as typed (例: 令和7年5月1日); nothing else is left in Japanese.
    assert all("令和" in s for s in still_japanese), still_japanese


def test_compiled_catalogue_matches_the_po():
    """X3: the committed django.mo is compiled from the current django.po (same entries, same English)."""
    with MO.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    expected = {(f"{ctx}\x04{msgid}" if ctx else msgid): msgstr for ctx, msgid, msgstr, _ in po_entries()}
    compiled = {key: value for key, value in catalog.items() if key}  # "" is the header
    stale = sorted(key for key in expected.keys() | compiled.keys() if expected.get(key) != compiled.get(key))
    assert not stale, f"django.mo is out of date (run compilemessages -l en): {stale[:10]}"


def _template_messages(path):
    """msgids (with context) that makemessages extracts from one template."""
    text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    ids = {ast.literal_eval(m) for m in re.findall(r"\bgettext\((u'(?:[^'\\]|\\.)*')\)", text)}
    for ctx, msgid in re.findall(r"\bpgettext\((u'(?:[^'\\]|\\.)*'), (u'(?:[^'\\]|\\.)*')\)", text):
        ids.add(f"{ast.literal_eval(ctx)}\x04{ast.literal_eval(msgid)}")
    return ids


def screen_templates():
    return sorted(p for p in TEMPLATES.rglob("*.html") if p not in OFFICIAL_FORMS)


def test_every_screen_text_is_in_the_catalogue():
    """X3: each string marked for translation in a screen template has an entry in the English catalogue."""
    known = {(f"{ctx}\x04{msgid}" if ctx else msgid) for ctx, msgid, _, _ in po_entries()}
    missing = {
        f"{path.relative_to(TEMPLATES)}: {msgid}"
        for path in screen_templates()
        for msgid in _template_messages(path)
        if msgid not in known
    }
    assert not missing, f"run makemessages -l en and translate: {sorted(missing)}"


TRANSLATE_TAGS = re.compile(
    r"{%\s*blocktranslate\b.*?%}.*?{%\s*endblocktranslate\s*%}|{%\s*translate\b.*?%}|{#.*?#}", re.DOTALL
)


@pytest.mark.parametrize("path", screen_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_screen_templates_have_no_untranslated_japanese(path):
    """X3: outside translate tags a screen template holds no Japanese, except the 日本語 button of the switch."""
    rest = TRANSLATE_TAGS.sub("", path.read_text(encoding="utf-8"))
    rest = rest.replace('lang="ja">日本語</button>', "")
    leftovers = sorted({line.strip() for line in rest.splitlines() if JAPANESE.search(line)})
    assert not leftovers, f"Japanese outside translate tags: {leftovers}"


def test_model_labels_and_navigation_translate():
    """X3: verbose names, choice labels and the navigation labels come out in English when English is active."""
    from liaison.councils.models import Council
    from liaison.dashboard.context_processors import NAVIGATION
    from liaison.org.models import Koban, Rank

    with override("en"):
        assert str(Koban.Kind.CHUZAISHO.label) == "Chuzaisho (residential police box)"
        assert str(Rank.KEIBU.label) == "Inspector"
        assert str(Council._meta.get_field("operation_manager").verbose_name) == "Operation manager"
        assert [str(label) for label, _, _ in NAVIGATION][:2] == ["Home", "Liaison councils"]
    with override("ja"):
        assert str(Koban.Kind.CHUZAISHO.label) == "駐在所"
        assert str(NAVIGATION[0][0]) == "ホーム"


# --- The screens ----------------------------------------------------------------------------------------------


def english(client):
    """Switch the client to English the way the header button does (POST to set_language)."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    return client


@pytest.mark.django_db
def test_home_is_japanese_by_default(client_for):
    """X3: without a choice the home page, its navigation and headings are Japanese; the switch offers English."""
    html = client_for("community_section").get("/").content.decode()
    assert '<html lang="ja">' in html
    assert ">連絡協議会</a>" in html and "<h1>ホーム" in html and "連絡協議会のやること" in html
    assert 'name="language" value="en"' in html and ">English</button>" in html
    assert "Liaison councils" not in html


@pytest.mark.django_db
def test_home_in_english_after_the_switch(client_for):
    """X3: after choosing English the navigation, headings and shell of the home page are English."""
    client = english(client_for("community_section"))
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    for text in ("Liaison councils</a>", "Term renewals</a>", "Residents</a>", "Police stations</a>", "<h1>Home"):
        assert text in html, text
    assert "Liaison council to-dos" in html and "Log out</button>" in html and "Change password</a>" in html
    assert "Handle personal data with care." in html
    assert 'name="language" value="ja"' in html and ">日本語</button>" in html
    for japanese in (">連絡協議会</a>", "<h1>ホーム", "ログアウト"):
        assert japanese not in html, japanese


@pytest.mark.django_db
def test_switching_back_to_japanese(client_for):
    """X3: the 日本語 button brings the Japanese screens back."""
    client = english(client_for("community_section"))
    response = client.post(reverse("set_language"), {"language": "ja", "next": reverse("councils:list")})
    assert response.status_code == 302 and response["Location"] == reverse("councils:list")
    html = client.get(reverse("councils:list")).content.decode()
    assert "<h1>交番・駐在所連絡協議会</h1>" in html


@pytest.mark.django_db
def test_login_page_follows_the_browser_language(client):
    """X3: logged out, the login page is Japanese by default and English for a browser asking for English."""
    japanese = client.get(reverse("login")).content.decode()
    assert "<h1>ログイン</h1>" in japanese and ">ユーザー名</label>" in japanese
    html = client.get(reverse("login"), headers={"accept-language": "en"}).content.decode()
    assert "<h1>Log in</h1>" in html and ">User name</label>" in html and ">Password</label>" in html
    assert "After 5 failed attempts in a row" in html
    assert "ログイン" not in html


@pytest.mark.django_db
def test_login_page_switch_works_before_login(client):
    """X3: the language switch is open without login and keeps the chosen language on the login page."""
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "<h1>Log in</h1>" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_council_list_in_english(world, client_for):
    """X3: the council list shows English headings, filters and table headers; data stay as entered."""
    import datetime

    from liaison.councils.models import Council

    council = Council.objects.create(
        station=world.station_a, name="一番町交番連絡協議会", established_on=datetime.date(2025, 4, 1)
    )
    council.kobans.add(world.koban_a)
    client = english(client_for("community_section"))
    html = client.get(reverse("councils:list")).content.decode()
    assert "<h1>Koban and chuzaisho liaison councils</h1>" in html
    assert "<title>Liaison councils | Koban and Chuzaisho Liaison Councils" in html
    assert ">Filter</button>" in html and ">Establish a council</a>" in html
    assert "一番町交番連絡協議会" in html  # names are data, not translated
    assert "<h1>交番・駐在所連絡協議会</h1>" not in html


# --- The official forms ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_official_forms_stay_japanese_in_english(world, client_for, settings, tmp_path):
    """X3: 様式第2号 printed from an English screen keeps its Japanese wording, choice labels and ranks."""
    import datetime
    import re as _re

    from liaison.councils.models import Council
    from liaison.reports.tests.conftest import make_council, poppler

    settings.MEDIA_ROOT = tmp_path / "media"
    council = make_council(world)
    assert council.kind == Council.Kind.JURISDICTION
    url = reverse("reports:setup_report", args=[council.pk])
    client = english(client_for("deputy"))
    response = client.post(url, {"number": "58", "date": datetime.date(2025, 4, 10).isoformat()})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _re.sub(r"\s+", "", poppler("pdftotext", response.content, tmp_path))
    assert "設置報告書" in text and "令和7年4月10日" in text
    assert "協議会種別所管区ごとの連絡協議会" in text  # the council type, a choice label
    assert "会長" in text and "副会長" in text  # members' posts, choice labels
    assert "階級警部補" in text  # the operation manager's rank, a choice label
    for english_label in ("Liaison", "Chair", "Assistant Inspector"):
        assert english_label not in text, english_label


@pytest.mark.django_db
def test_appointment_letter_stays_japanese_in_english(world, client_for, settings, tmp_path):
    """X3: 様式第1号 (委嘱状) printed from an English screen is the same Japanese letter."""
    from liaison.reports.tests.conftest import make_council, poppler

    settings.MEDIA_ROOT = tmp_path / "media"
    membership = make_council(world).memberships.get(person__family_name="髙橋")
    url = reverse("reports:letter", args=[membership.pk])
    japanese = poppler("pdftotext", client_for("community_section").get(url).content, tmp_path)
    response = english(client_for("community_section")).get(url)
    assert response.status_code == 200
    assert poppler("pdftotext", response.content, tmp_path) == japanese
    assert "委 嘱 状" in japanese and "髙橋 次郎" in japanese and "委員に委嘱します" in japanese


# --- Messages from Python code --------------------------------------------------------------------------------


def _public_office_holder(world):
    from liaison.people.models import PublicOfficeRecord
    from liaison.testing import make_person

    person = make_person(world.station_a, "議員", "一郎", "ギイン", "イチロウ")
    PublicOfficeRecord.objects.create(
        person=person, kind="office", office="青葉区議会議員", start_date=datetime.date(2020, 1, 1)
    )
    return person


@pytest.mark.django_db
def test_form_errors_follow_the_language(world, client_for):
    """X3: the refusal of a public-office holder and a date input error on the appointment form are English in
    English and the same Japanese as before in Japanese; names and offices stay as entered."""
    from liaison.councils.models import Membership
    from liaison.testing import make_council_with_members

    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    person = _public_office_holder(world)
    url = reverse("councils:appoint", args=[council.pk])
    refused = {"person": person.pk, "start_date": "令和7年4月1日", "post": "member", "save": "1"}
    bad_date = {**refused, "start_date": "4月1日ごろ"}

    client = english(client_for("koban_chief"))
    html = client.post(url, refused).content.decode()
    assert "議員 一郎 holds public office (青葉区議会議員) and cannot be appointed as a member." in html
    assert "Enter a date such as 2025-05-20" in client.post(url, bad_date).content.decode()
    assert "委員に委嘱できません" not in html

    japanese = client_for("koban_chief")
    html = japanese.post(url, refused).content.decode()
    assert "議員 一郎さんは公職（青葉区議会議員）にあるため、委員に委嘱できません。" in html
    assert "日付は 2025-05-20、2025/05/20、2025年5月20日、令和7年5月20日 のように入力してください。" in (
        japanese.post(url, bad_date).content.decode()
    )
    assert not Membership.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_council_findings_follow_the_language(world, client_for):
    """X3: findings on the council page (rules.py, no request state) and the finding filter are English in English."""
    from liaison.testing import make_council_with_members

    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=4)
    url = reverse("councils:detail", args=[council.pk])
    html = english(client_for("community_section")).get(url).content.decode()
    assert "The council has 4 members. About 10 (8 to 12) is the guideline." in html
    assert "委員は4人です" not in html
    filters = english(client_for("community_section")).get(reverse("councils:list")).content.decode()
    assert "Terms ending soon" in filters and "任期満了が近い" not in filters

    html = client_for("community_section").get(url).content.decode()
    assert "委員は4人です。おおむね10人程度（8〜12人）が目安です。" in html


@pytest.mark.django_db
def test_flash_messages_follow_the_language_and_the_audit_log_stays_japanese(world, client_for):
    """X3: the message after an appointment is English in English; the audit summary of it stays Japanese."""
    from liaison.audit.models import AuditEntry
    from liaison.testing import make_council_with_members, make_person

    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
    url = reverse("councils:appoint", args=[council.pk])
    english_client = english(client_for("koban_chief"))
    for client, family, expected in (
        (english_client, "青木", "青木 花子 has been appointed."),
        (client_for("koban_chief"), "赤井", "赤井 花子さんを委嘱しました。"),
    ):
        person = make_person(world.station_a, family, "花子", "アオキ", "ハナコ")
        data = {"person": person.pk, "start_date": "2025-04-01", "post": "member", "save": "1"}
        html = client.post(url, data, follow=True).content.decode()
        assert expected in html, expected
        entry = AuditEntry.objects.filter(action="membership.new").latest("pk")
        assert entry.summary.startswith(f"{family} 花子さんを") and "（新任、" in entry.summary, entry.summary
