"""One click, one record — even when identical requests reach a real multi-process server at the same moment."""

import threading

from liaison.testing import PASSWORD
from liaison.testserver import hidden_value, running_server

SETUP = """
from liaison.testing import World, make_council_with_members
world = World()
council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
print(council.pk)
"""

SENDERS = 5


def _send_together(browser, path, data):
    """POST the same form from SENDERS threads released at the same instant; the HTTP statuses."""
    barrier = threading.Barrier(SENDERS)
    statuses = []

    def send():
        barrier.wait()
        status, _headers, _text = browser.post(path, data)
        statuses.append(status)

    threads = [threading.Thread(target=send) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_simultaneous_identical_posts_record_one_person_and_one_membership(tmp_path):
    with running_server(tmp_path, setup=SETUP) as server:
        browser = server.session("community_section", PASSWORD)

        page = browser.get("/people/new/")
        person = {
            "csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"),
            "form_token": hidden_value(page, "form_token"),
            "family_name": "同時",
            "given_name": "送信",
            "family_kana": "ドウジ",
            "given_kana": "ソウシン",
            "gender": "female",
            "birth_date": "1970-01-02",
        }
        statuses = _send_together(browser, "/people/new/", person)
        assert statuses and all(s == 302 for s in statuses), statuses

        council_pk = server.manage(
            "shell", "-v", "0", "-c", "from liaison.councils.models import Council; print(Council.objects.get().pk)"
        ).strip()
        page = browser.get(f"/councils/{council_pk}/appoint/")
        appointment = {
            "csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"),
            "form_token": hidden_value(page, "form_token"),
            "start_date": "令和7年4月1日",
            "post": "member",
            "new-family_name": "二重",
            "new-given_name": "委嘱",
            "new-family_kana": "ニジュウ",
            "new-given_kana": "イショク",
            "save": "1",
        }
        statuses = _send_together(browser, f"/councils/{council_pk}/appoint/", appointment)
        assert statuses and all(s == 302 for s in statuses), statuses

        counts = server.manage(
            "shell",
            "-v",
            "0",
            "-c",
            "from liaison.people.models import Person; from liaison.councils.models import Membership; "
            "print(Person.objects.filter(family_name='同時').count(), Person.objects.filter(family_name='二重').count(), "
            "Membership.objects.filter(person__family_name='二重').count())",
        ).split()
        assert counts == ["1", "1", "1"]

        # Organisation records have natural unique keys too; the token keeps the losers from hitting them (a 500).
        admin = server.session("hq_admin", PASSWORD)
        page = admin.get("/org/stations/new/")
        station = {
            "csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"),
            "form_token": hidden_value(page, "form_token"),
            "name": "同時警察署",
            "code": "R99",
            "address": "仙台市青葉区本町1-1",
            "order": "99",
        }
        statuses = _send_together(admin, "/org/stations/new/", station)
        assert statuses.count(302) == 1 and all(s < 500 for s in statuses), statuses
        count = server.manage(
            "shell",
            "-v",
            "0",
            "-c",
            "from liaison.org.models import Station; print(Station.objects.filter(code='R99').count())",
        )
        assert count.strip() == "1"
