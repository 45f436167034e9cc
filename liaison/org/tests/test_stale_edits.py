"""X1: two administrators editing the same organisation record never overwrite each other silently.

Each edit screen carries the version it was opened at; a save from an older version gets the conflict screen with the
saved values and the typed ones side by side, and saves nothing.
"""

import pytest

from liaison.audit.models import AuditEntry
from liaison.org.models import HQDivision, Koban, Officer, Rank, Section, Station
from liaison.testing import make_officer

pytestmark = pytest.mark.django_db


def _opened(client, url) -> dict:
    """What the browser posts back for an edit screen opened now (disabled fields are not posted)."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def _two_admins(world, client_for):
    other = make_officer("hq_admin", username="hq_admin2", rank=Rank.KEISHI)
    return client_for("hq_admin"), client_for(other.user)


CASES = [
    # (model, edit URL of the record, field changed, first admin's value, second admin's value)
    (Station, lambda w: f"/org/stations/{w.station_a.pk}/edit/", "address", "仙台市青葉区一番町", "仙台市青葉区二日町"),
    (
        Section,
        lambda w: f"/org/sections/{w.station_a.sections.get(name='刑事課').pk}/edit/",
        "name",
        "刑事第一課",
        "刑事第二課",
    ),
    (
        HQDivision,
        lambda w: f"/org/hq-divisions/{w.officers['hq_staff'].hq_division_id}/edit/",
        "name",
        "生活安全部生活安全総務課",
        "生活安全部人身安全対策課",
    ),
    (Koban, lambda w: f"/org/kobans/{w.koban_a.pk}/edit/", "jurisdiction_name", "一番町・国分町", "一番町・本町"),
    (Officer, lambda w: f"/org/officers/{w.officers['koban_staff'].pk}/edit/", "title", "交番相談員", "係長"),
]


@pytest.mark.parametrize(("model", "url_of", "field", "first", "second"), CASES, ids=[c[0].__name__ for c in CASES])
def test_x1_second_edit_from_the_same_version_gets_the_conflict_screen(
    world, client_for, model, url_of, field, first, second
):
    """X1: both open the edit screen; the first save wins, the second sees both versions and saves nothing."""
    url = url_of(world)
    one, two = _two_admins(world, client_for)
    data_one, data_two = _opened(one, url), _opened(two, url)

    assert one.post(url, {**data_one, field: first}).status_code == 302
    response = two.post(url, {**data_two, field: second})

    assert response.status_code in (200, 409)
    page = response.content.decode()
    assert "あなたが編集している間に、他の人がこの記録を保存しました" in page
    assert "現在の保存内容" in page and first in page  # the saved version
    assert "あなたの入力" in page and f'value="{second}"' in page  # the typed version, kept in the form
    pk = int(url.rstrip("/").split("/")[-2])
    assert getattr(model.objects.get(pk=pk), field) == first
    assert AuditEntry.objects.filter(action__endswith=".update").count() == 1

    # Having seen the saved values, saving again is a deliberate overwrite and goes through.
    resent = response.context["form"].data
    assert two.post(url, resent).status_code == 302
    assert getattr(model.objects.get(pk=pk), field) == second


def test_x1_an_edit_screen_without_its_version_is_not_saved_blindly(world, client_for):
    """X1: a post that does not say which version it edits (or says nonsense) is shown the saved values first."""
    client = client_for("hq_admin")
    url = f"/org/stations/{world.station_a.pk}/edit/"
    data = _opened(client, url)
    for version in (None, "abc", "99999999999999999999999"):
        posted = {k: v for k, v in data.items() if k != "version"}
        if version is not None:
            posted["version"] = version
        response = client.post(url, {**posted, "address": "どこか"})
        assert response.status_code in (200, 409)
        assert "他の人がこの記録を保存しました" in response.content.decode()
    world.station_a.refresh_from_db()
    assert world.station_a.address != "どこか"
