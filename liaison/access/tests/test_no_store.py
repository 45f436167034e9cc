"""X2: pages and downloads with personal data are not kept in the browser cache of a shared police PC."""

import pytest

from liaison.testing import ROLES

from .test_url_access import URLS, _url


def _allowed_role(allowed):
    return next(role for role in ROLES if role in allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, spec in URLS.items() if not str(spec[1]).startswith("public")))
def test_x2_every_page_and_download_for_a_logged_in_user_is_no_store(name, world, client_for):
    url = _url(name, world)
    allowed = URLS[name][1]
    for client in (client_for(_allowed_role(allowed)), client_for(world.chief_b.user)):
        response = client.get(url)
        assert "no-store" in response.get("Cache-Control", ""), f"{url}: {response.status_code} {response.headers}"


@pytest.mark.django_db
def test_x2_a_batch_download_posted_by_a_user_is_no_store(world, client_for):
    from .test_url_access import _print_council

    council = _print_council(world)
    ids = list(council.memberships.values_list("pk", flat=True))
    response = client_for("community_section").post("/reports/letters/batch/", {"ids": ids})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_login_page_and_static_files_may_still_be_cached_normally(client):
    response = client.get("/healthz/")
    assert "no-store" not in response.get("Cache-Control", "")
