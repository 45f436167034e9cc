"""X2: which personal fields each role may see is decided once, in liaison.access.personal_data, and written down."""

import pathlib

import pytest

from liaison.access.permissions import ROLE_PERMISSIONS
from liaison.access.personal_data import (
    ALL_FIELDS,
    ON_DUTY,
    Field,
    fields_for,
    hidden_finding_codes,
    may_see,
    shown_findings,
)
from liaison.access.roles import Role

README = pathlib.Path(__file__).resolve().parents[3] / "README.md"


def _readme_table() -> dict[str, tuple[bool, bool]]:
    """role code → (sees name and post, sees the other fields), read from README's "Who sees which personal data"."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Who sees which personal data", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[1] in ("○", "—"):
            code = cells[0].split("(`", 1)[1].split("`", 1)[0]
            rows[code] = (cells[1] == "○", cells[2] == "○")
    return rows


def test_x2_readme_table_is_what_the_access_module_decides():
    """X2: README's table of who sees which personal data lists every role exactly as personal_data decides."""
    table = _readme_table()
    assert set(table) == set(Role.values)
    for role, (on_duty, personal) in table.items():
        fields = fields_for(ROLE_PERMISSIONS[role])
        assert (ON_DUTY <= fields) == on_duty, role
        assert (fields == ALL_FIELDS) == personal, role
        assert fields in (ON_DUTY, ALL_FIELDS), role


def test_x2_roles_without_the_people_permission_see_names_and_posts_only():
    """X2: 署各課 and 本部各所属 see who sits on a council and in which post, nothing else about the person."""
    for role in (Role.SECTION_STAFF, Role.HQ_STAFF):
        assert fields_for(ROLE_PERMISSIONS[role]) == {Field.NAME, Field.POST}


@pytest.mark.django_db
def test_x2_may_see_fails_closed(world):
    """X2: a user without an officer record sees nothing; an unknown field name is never visible."""
    nobody = may_see(None)
    assert not nobody.name and not nobody.age and not nobody.person_page
    staff = may_see(world.user("hq_staff"))
    assert staff.name and staff.post and not staff.age and not staff.phone and not staff.person_page
    assert not staff.no_such_field
    chief = may_see(world.user("koban_chief"))
    assert chief.age and chief.address and chief.person_page and Field.PHONE in chief


@pytest.mark.django_db
def test_x2_findings_naming_a_personal_attribute_are_for_those_who_may_see_it(world):
    """X2: 'all members are 主婦' tells each member's occupation: only users who may see occupations read it."""
    from liaison.councils.rules import Finding

    findings = [
        Finding("occupation_spread", "warning", "C3.2(2)ア", {"occupation": "主婦"}),
        Finding("age_spread", "warning", "C3.2(2)ア", {"decade": 70}),
        Finding("gender_spread", "warning", "C3.2(2)ア", {"gender": "female"}),
        Finding("public_office", "error", "C6.4(1)", {"name": "山田 太郎"}, "1"),
        Finding("no_chair", "warning", "C3.2(1)"),
        Finding("term_ending", "info", "C6.2(1)", {"name": "山田 太郎", "days": 30, "date": "2026-05-01"}, "1"),
    ]
    assert [f.code for f in shown_findings(world.user("section_staff"), findings)] == ["no_chair", "term_ending"]
    assert shown_findings(world.user("community_section"), findings) == findings
    assert hidden_finding_codes(world.user("section_staff")) == [
        "age_spread",
        "gender_spread",
        "occupation_spread",
        "public_office",
    ]
    assert hidden_finding_codes(world.user("community_section")) == []
