"""The purpose of use of personal data (APPI art. 21, issue 12) is shown wherever a civilian's particulars are
recorded: the person form, the appointment form's new-person part, the contact-person and referral forms."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from liaison.testing import make_council_with_members, make_person

pytestmark = pytest.mark.django_db

STATEMENT = "地域安全活動（交番・駐在所連絡協議会の運営、地域安全連絡員との連絡、意見・要望への対応）のためにだけ利用し"


def test_the_statement_lives_in_one_include():
    html = render_to_string("_purpose_of_use.html")
    assert "個人情報の利用目的" in html and STATEMENT in html


def _pages(world):
    person = make_person(world.station_a)
    council, _members = make_council_with_members(
        world, world.koban_a, acting_user=world.user("community_section"), count=1
    )
    return {
        "person create": reverse("people:create"),
        "person edit": reverse("people:edit", args=[person.pk]),
        "appointment (new person)": reverse("councils:appoint", args=[council.pk]),
        "contact person": reverse("network:contact_create"),
        "referral": reverse("network:referral_create"),
    }


def test_every_form_that_collects_personal_data_shows_the_purpose_of_use(world, client_for):
    client = client_for("community_section")
    for page, url in _pages(world).items():
        response = client.get(url)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert 'id="purpose-of-use"' in html and STATEMENT in html, page
