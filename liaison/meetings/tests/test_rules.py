"""The meetings' pure rules (C7.1, C7.2, C10.2, C10.3) and the iCalendar text."""

import datetime

from liaison.meetings import ical, rules

D = datetime.date


def test_c7_1_fiscal_year_runs_april_to_march():
    assert rules.fiscal_year(D(2026, 3, 31)) == 2025
    assert rules.fiscal_year(D(2026, 4, 1)) == 2026
    assert rules.fiscal_year_bounds(2026) == (D(2026, 4, 1), D(2027, 3, 31))


def test_c7_1_next_regular_number_is_one_past_the_highest():
    assert rules.next_regular_number([]) == 1
    assert rules.next_regular_number([1, 2]) == 3
    assert rules.next_regular_number([1, 3, None]) == 4  # a cancelled 第2回 leaves 第3回 as printed


JULY_1, JULY_10 = D(2026, 7, 1), D(2026, 7, 10)


def _period(pk=1, whole=False, towns=("仙台市青葉区",), start=JULY_1, end=JULY_10):
    return rules.PeriodFacts(pk, f"選挙{pk}", start, end, whole, frozenset(towns))


def test_c10_3_a_period_covers_a_council_in_one_of_its_towns_on_its_dates():
    periods = [_period()]
    assert rules.overlapping_periods(periods, D(2026, 7, 5), ["仙台市青葉区"]) == periods
    assert rules.overlapping_periods(periods, D(2026, 7, 1), ["名取市", "仙台市青葉区"]) == periods
    assert rules.overlapping_periods(periods, D(2026, 7, 11), ["仙台市青葉区"]) == []
    assert rules.overlapping_periods(periods, D(2026, 7, 5), ["名取市"]) == []


def test_c10_3_a_whole_prefecture_period_covers_every_council():
    whole = _period(2, whole=True, towns=())
    assert rules.overlapping_periods([whole], D(2026, 7, 5), ["名取市"]) == [whole]
    assert "選挙2" in rules.election_refusal(whole)


def test_c10_2_executive_class_from_rank_section_and_post():
    cls = rules.executive_class
    # 警部 and above are executives: community section or koban → 地域幹部; other sections → その他の幹部.
    assert cls(rank="keibu", title="地域課長", section_is_community=True, at_koban=False) == rules.COMMUNITY
    assert cls(rank="keibu", title="刑事課長", section_is_community=False, at_koban=False) == rules.OTHER_EXECUTIVE
    assert cls(rank="keibu", title="交番所長", section_is_community=True, at_koban=True) == rules.COMMUNITY
    # The station's command counts as その他の幹部, whatever its section.
    assert cls(rank="keishi", title="署長", section_is_community=False, at_koban=False) == rules.OTHER_EXECUTIVE
    assert cls(rank="keishi", title="副署長", section_is_community=True, at_koban=False) == rules.OTHER_EXECUTIVE
    # A 警部補 係長 of the community section supervises the koban staff: 地域幹部.
    assert cls(rank="keibuho", title="地域課係長", section_is_community=True, at_koban=False) == rules.COMMUNITY
    # The koban's own 警部補 所長 and its staff are the council's ordinary attendees.
    assert cls(rank="keibuho", title="交番所長", section_is_community=True, at_koban=True) == rules.OTHER
    assert cls(rank="junsa", title="", section_is_community=True, at_koban=True) == rules.OTHER
    assert cls(rank="junsa_bucho", title="", section_is_community=False, at_koban=False) == rules.OTHER
    assert cls(rank="keibu", title="", section_is_community=False, at_koban=False, hq_community=True) == rules.COMMUNITY


def test_c10_2_counts_come_from_the_classes():
    counts = rules.attendance_counts(
        members=6, guests=1, classes=[rules.COMMUNITY, rules.OTHER_EXECUTIVE, rules.OTHER, rules.COMMUNITY]
    )
    assert (counts.members, counts.guests, counts.police) == (6, 1, 4)
    assert (counts.community_executives, counts.other_executives) == (2, 1)


def test_c7_2_no_regular_meeting_after_the_due_month():
    find = rules.regular_meeting_findings
    assert find(today=D(2026, 9, 30), due_month=10, regular_held_or_planned_this_year=False) == []
    [finding] = find(today=D(2026, 10, 1), due_month=10, regular_held_or_planned_this_year=False)
    assert (finding.code, finding.requirement, finding.params["year"]) == ("no_regular_meeting", "C7.2", 2026)
    assert find(today=D(2026, 10, 1), due_month=10, regular_held_or_planned_this_year=True) == []
    # A due month after New Year counts in the next calendar year of the same fiscal year.
    assert find(today=D(2026, 12, 1), due_month=2, regular_held_or_planned_this_year=False) == []
    assert find(today=D(2027, 2, 1), due_month=2, regular_held_or_planned_this_year=False)[0].params["year"] == 2026
    # A new fiscal year starts clean until its own due month.
    assert find(today=D(2027, 4, 1), due_month=10, regular_held_or_planned_this_year=False) == []


def test_ical_folds_at_75_octets_without_cutting_a_character_and_escapes_text():
    line = "SUMMARY:" + "一番町交番連絡協議会、定例会議;" * 6
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
