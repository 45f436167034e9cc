"""Issue 11, N4.2: a contact person who withdrew (辞任) is imported through the consent steps the rules allow
(承諾, then 辞任), each on its own date, so that the history says what happened."""

import datetime

import pytest

from liaison.imports.kinds import UNDATED_CONSENT_NOTE
from liaison.network.models import ConsentChange, ContactPerson

from .conftest import counts, csv_bytes, last_run, upload
from .test_flow import commit

pytestmark = pytest.mark.django_db

HEADER = ["交番・駐在所", "承諾の状況", "状況の日付", "承諾日", "承諾の方法", "姓", "名", "セイ", "メイ"]


def _row(consent_on, consented_on, method="書面"):
    return ["一番町交番", "辞任", consent_on, consented_on, method, "青木", "花子", "アオキ", "ハナコ"]


def _history():
    return list(ConsentChange.objects.order_by("pk").values_list("consent", "on", "note"))


def test_n4_2_a_withdrawn_contact_is_registered_consented_on_its_date_then_withdrawn(world, client_for):
    """N4.2: 辞任 with both dates: 候補, 承諾 on the consent date (with how it was given), 辞任 on its date."""
    client = client_for("community_section")
    upload(client, "contacts", "c.csv", csv_bytes(HEADER, [_row("2025-09-30", "2025-05-01")]))
    run = last_run()
    assert run.error_count == 0, run.rows
    commit(client, run)
    contact = ContactPerson.objects.get()
    assert (contact.consent, contact.consent_on, contact.consent_method) == (
        "withdrawn",
        datetime.date(2025, 5, 1),
        "document",
    )
    assert _history()[1:] == [
        ("consented", datetime.date(2025, 5, 1), ""),
        ("withdrawn", datetime.date(2025, 9, 30), ""),
    ]


def test_n4_2_a_withdrawn_contact_without_a_consent_date_is_consented_on_the_withdrawal_date_saying_so(
    world, client_for
):
    """N4.2: no consent date in the file: the 承諾 step is recorded on the withdrawal date with a note why."""
    client = client_for("community_section")
    upload(client, "contacts", "c.csv", csv_bytes(HEADER, [_row("2025-09-30", "")]))
    commit(client, last_run())
    assert _history()[1:] == [
        ("consented", datetime.date(2025, 9, 30), UNDATED_CONSENT_NOTE),
        ("withdrawn", datetime.date(2025, 9, 30), ""),
    ]


@pytest.mark.parametrize(
    "row, column, message",
    [
        (_row("", "2025-05-01"), "状況の日付", "辞任の行には、辞任した日を「状況の日付」に入力してください。"),
        (_row("2025-04-30", "2025-05-01"), "承諾日", "承諾日が辞任した日より後になっています。"),
        (
            _row("2025-09-30", "2025-05-01", method=""),
            "承諾の方法",
            "承諾を記録するときは、承諾の方法を選んでください。",
        ),
    ],
)
def test_n4_2_a_withdrawn_row_without_its_date_or_the_consent_particulars_is_refused(
    world, client_for, row, column, message
):
    """N4.2: a 辞任 row without the withdrawal date, with a consent date after it, or without how consent was
    given is refused on the preview under its column; nothing is written."""
    client = client_for("community_section")
    before = counts()
    upload(client, "contacts", "c.csv", csv_bytes(HEADER, [row]))
    run = last_run()
    assert [r["errors"] for r in run.rows] == [[[column, message]]]
    assert counts() == before
