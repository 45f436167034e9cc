"""X4: the prefecture settings are read once per request, and afresh by the next one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.org.models import PrefectureSettings

pytestmark = pytest.mark.django_db


def settings_reads(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return sum('"org_prefecturesettings"' in q["sql"] and q["sql"].startswith("SELECT") for q in queries)


def test_x4_the_home_page_reads_the_settings_once_though_every_panel_asks(world, client_for):
    """Every programme's home panel asks for the settings; one read serves them all."""
    assert settings_reads(client_for("station_chief"), "/") == 1


def test_x4_a_change_is_seen_by_the_next_request(world, client_for):
    client = client_for("hq_admin")
    assert settings_reads(client, "/org/settings/") == 1
    PrefectureSettings.objects.filter(pk=1).update(name="青葉県")
    assert "青葉県" in client.get("/org/settings/").content.decode()
    assert PrefectureSettings.current().name == "青葉県"  # outside a request: read each time
