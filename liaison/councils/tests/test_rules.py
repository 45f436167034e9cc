"""Council rules as pure functions: each test names the requirement it proves."""

import datetime as dt

from liaison.councils import rules
from liaison.councils.rules import Limits, MemberFacts, OfficerFacts

TODAY = dt.date(2026, 6, 1)
LIMITS = Limits()


def members(n, **overrides):
    base = []
    for i in range(n):
        facts = {
            "name": f"委員{i}",
            "post": "chair" if i == 0 else "member",
            "leader_category": "a" if i % 2 == 0 else "",
            "gender": "female" if i % 2 else "male",
            "age": 35 + i * 4,
            "occupation": ["会社員", "自営業", "主婦", "教員", "農業"][i % 5],
        }
        facts.update(overrides)
        base.append(MemberFacts(**facts))
    return base


def codes(findings):
    return {f.code for f in findings}


def test_c6_1_a_balanced_council_of_ten_has_no_warnings():
    assert rules.council_findings(members=members(10), limits=LIMITS, today=TODAY) == []


def test_c6_1_size_far_from_ten_is_warned_with_configurable_limits():
    assert "size" in codes(rules.council_findings(members=members(6), limits=LIMITS, today=TODAY))
    assert "size" in codes(rules.council_findings(members=members(14), limits=LIMITS, today=TODAY))
    wide = Limits(size_min=5, size_max=15)
    assert "size" not in codes(rules.council_findings(members=members(6), limits=wide, today=TODAY))


def test_c3_2_1_no_chair_warns_and_two_chairs_is_an_error():
    no_chair = [MemberFacts(**{**m.__dict__, "post": "member"}) for m in members(10)]
    found = rules.council_findings(members=no_chair, limits=LIMITS, today=TODAY)
    assert [f.severity for f in found if f.code == "no_chair"] == ["warning"]
    two = members(10)
    two[1] = MemberFacts(**{**two[1].__dict__, "post": "chair"})
    found = rules.council_findings(members=two, limits=LIMITS, today=TODAY)
    assert found[0].code == "many_chairs" and found[0].severity == "error" and found[0].requirement == "C3.2(1)"


def test_c3_2_2i_community_leaders_far_from_half_are_warned():
    none_leaders = members(10, leader_category="")
    found = rules.council_findings(members=none_leaders, limits=LIMITS, today=TODAY)
    assert "leader_share" in codes(found)
    all_leaders = members(10, leader_category="u")
    assert "leader_share" in codes(rules.council_findings(members=all_leaders, limits=LIMITS, today=TODAY))
    assert "leader_share" not in codes(
        rules.council_findings(members=all_leaders, limits=Limits(leader_share_max=100), today=TODAY)
    )


def test_c3_2_2a_no_spread_of_gender_age_or_occupation_is_warned():
    same = members(10, gender="male", age=62, occupation="自営業")
    found = codes(rules.council_findings(members=same, limits=LIMITS, today=TODAY))
    assert {"gender_spread", "age_spread", "occupation_spread"} <= found


def test_c5_occupational_councils_follow_their_purpose_not_the_spread_rule():
    """C5.2: for 職種等 councils 「職業、年齢、性別等を考慮して幅広く」 reads 「その目的等に即して」."""
    same = members(10, gender="female", age=45, occupation="主婦")
    found = codes(rules.council_findings(members=same, limits=LIMITS, today=TODAY, occupational=True))
    assert not {"gender_spread", "age_spread", "occupation_spread"} & found


def test_c6_4_1_public_office_holder_is_an_error_and_refused():
    ms = members(10)
    ms[3] = MemberFacts(**{**ms[3].__dict__, "holds_public_office": True})
    found = rules.council_findings(members=ms, limits=LIMITS, today=TODAY)
    assert found[0].code == "public_office" and found[0].severity == "error" and found[0].requirement == "C6.4(1)"
    refusal = rules.appointment_refusal(person_name="山田 太郎", public_office="仙台市議会議員")
    assert refusal.severity == "error" and "仙台市議会議員" in refusal.message
    assert rules.appointment_refusal(person_name="山田 太郎", public_office=None) is None


def test_c6_4_2_long_tenure_is_warned_after_the_configured_years():
    ms = members(10)
    ms[2] = MemberFacts(**{**ms[2].__dict__, "tenure_start": dt.date(2020, 6, 1)})
    assert "long_tenure" in codes(rules.council_findings(members=ms, limits=LIMITS, today=TODAY))
    ms[2] = MemberFacts(**{**ms[2].__dict__, "tenure_start": dt.date(2020, 6, 2)})
    assert "long_tenure" not in codes(rules.council_findings(members=ms, limits=LIMITS, today=TODAY))
    assert "long_tenure" in codes(rules.council_findings(members=ms, limits=Limits(long_tenure_years=4), today=TODAY))


def test_c6_4_2_consecutive_service_joins_back_to_back_terms_only():
    terms = [
        (dt.date(2016, 4, 1), dt.date(2018, 3, 31)),
        # a gap of a year breaks the run
        (dt.date(2019, 4, 1), dt.date(2021, 3, 31)),
        (dt.date(2021, 4, 1), dt.date(2023, 3, 31)),
        (dt.date(2023, 4, 1), dt.date(2025, 3, 31)),
        (dt.date(2025, 4, 1), dt.date(2027, 3, 31)),
    ]
    assert rules.consecutive_service_start(terms, TODAY) == dt.date(2019, 4, 1)
    assert rules.consecutive_service_start(terms[:1], TODAY) is None


def test_c6_2_1_terms_ending_soon_are_told():
    ms = members(10)
    ms[4] = MemberFacts(**{**ms[4].__dict__, "end_date": TODAY + dt.timedelta(days=30)})
    found = [f for f in rules.council_findings(members=ms, limits=LIMITS, today=TODAY) if f.code == "term_ending"]
    assert len(found) == 1 and found[0].severity == "info" and "30日後" in found[0].message


def test_c6_2_1_term_is_two_years_and_successor_keeps_predecessor_end():
    assert rules.term_end(dt.date(2025, 4, 1), 2) == dt.date(2027, 3, 31)
    assert rules.term_end(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 27)
    assert rules.successor_term_end(dt.date(2027, 3, 31)) == dt.date(2027, 3, 31)


def test_c3_2_3_operation_manager_proposal():
    koban = [OfficerFacts(1, "koban_staff", 0), OfficerFacts(2, "koban_chief", 2), OfficerFacts(3, "koban_staff", 1)]
    assert rules.propose_operation_manager(koban_kind="koban", officers=koban) == 2
    single = [OfficerFacts(7, "koban_staff", 0)]
    assert rules.propose_operation_manager(koban_kind="chuzaisho", officers=single) == 7
    several = [OfficerFacts(8, "koban_staff", 0), OfficerFacts(9, "koban_chief", 1)]
    assert rules.propose_operation_manager(koban_kind="chuzaisho", officers=several) == 9
    assert rules.propose_operation_manager(koban_kind="koban", officers=[]) is None


def test_c3_1_kobans_without_council_are_listed():
    found = rules.kobans_without_council(koban_names={1: "一番町交番", 2: "作並駐在所"}, covered_koban_ids={1})
    assert (
        [f.code for f in found] == ["no_council"]
        and "作並駐在所" in found[0].message
        and found[0].requirement == "C3.1"
    )


def test_c6_2_1_renewal_period_reaches_the_fiscal_year_end_once_it_is_six_months_away():
    """C6.2(1): the renewal workbench's default period: to 31 March when that is within 183 days (but never less
    than 120 days ahead), otherwise 120 days."""
    end = rules.default_renewal_end
    assert end(dt.date(2026, 11, 26)) == dt.date(2027, 3, 31)
    assert end(dt.date(2026, 5, 1)) == dt.date(2026, 8, 29)  # the fiscal year end is 11 months away
    # 183 days before 31 March is the first day that reaches it; the day before gets 120 days.
    assert end(dt.date(2026, 9, 29)) == dt.date(2027, 3, 31)
    assert end(dt.date(2026, 9, 28)) == dt.date(2027, 1, 26)
    # A leap February makes that day one later.
    assert end(dt.date(2027, 9, 30)) == dt.date(2028, 3, 31)
    assert end(dt.date(2027, 9, 29)) == dt.date(2028, 1, 27)
    # Within 120 days of 31 March, the period runs 120 days past today.
    assert end(dt.date(2026, 12, 1)) == dt.date(2027, 3, 31)
    assert end(dt.date(2026, 12, 2)) == dt.date(2027, 4, 1)
    assert end(dt.date(2027, 3, 1)) == dt.date(2027, 6, 29)
    # 31 March itself looks at the year's last day, and 1 April at the next fiscal year (a year away).
    assert end(dt.date(2027, 3, 31)) == dt.date(2027, 7, 29)
    assert end(dt.date(2027, 4, 1)) == dt.date(2027, 7, 30)
    assert end(dt.date(2027, 12, 31)) == dt.date(2028, 4, 29)


def test_c4_3_reviewed_councils_cover_part_after_a_split_and_several_after_a_merge_of_kobans():
    """C4.3, C4.2: a review's successors take over every koban of the reviewed councils."""
    coverage = rules.review_successor_coverage
    assert coverage(review_kind="split", koban_count=1) == "part"
    assert coverage(review_kind="split", koban_count=3) == "part"
    assert coverage(review_kind="merge", koban_count=2) == "several"
    assert coverage(review_kind="merge", koban_count=1) == "part"  # two councils of parts of one jurisdiction
    assert coverage(review_kind="merge", koban_count=0) == "part"


def test_x3_a_finding_keeps_its_values_and_is_read_in_any_language():
    """X3: a finding stores its code and values (JSON as they are kept), and its message is rendered when read."""
    import json

    from django.utils import translation

    found = rules.council_findings(members=members(14), limits=LIMITS, today=TODAY)
    size = next(f for f in found if f.code == "size")
    stored = rules.Finding(size.code, size.severity, size.requirement, json.loads(json.dumps(size.params)), size.key)
    assert stored == size
    with translation.override("ja"):
        assert stored.message == "委員は14人です。おおむね10人程度（8〜12人）が目安です。"
    with translation.override("en"):
        assert stored.message == "The council has 14 members. About 10 (8 to 12) is the guideline."
    two = [MemberFacts("甲", post="chair"), MemberFacts("乙", post="chair")]
    chairs = next(f for f in rules.council_findings(members=two, limits=LIMITS, today=TODAY) if f.code == "many_chairs")
    with translation.override("ja"):
        assert chairs.message == "会長が2人います（甲、乙）。会長は1人です。"
