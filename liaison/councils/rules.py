"""Council rules as pure functions (C3–C6). They take plain facts and return findings; nothing here touches the database.

A finding holds a code and the values of its message; the message is rendered in the active language when read
(gettext reads it; no request is needed), so findings can be stored and shown to each reader in their language.

The council page, the list filters, the appointment preview, the dashboard and the tests all use these same functions.
"""

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """What a rule found: a code and the values its message needs, so it can be stored and read in any language.

    ``key`` tells apart several findings of one code on one council (one per member: the membership id).
    ``message`` is rendered from ``code`` and ``params`` in the active language when it is read.
    """

    code: str
    severity: Severity
    requirement: str
    params: dict = field(default_factory=dict)
    key: str = ""

    @property
    def message(self) -> str:
        return message(self.code, self.params)


def message(code: str, params: dict) -> str:
    """The message of a finding in the active language, from its code and stored values."""
    p = params
    if code == "public_office":
        if "office" in p:  # the refusal of an appointment, which names the office
            return _("%(name)sさんは公職（%(office)s）にあるため、委員に委嘱できません。") % p
        return _("%(name)sさんは公職にあります。委員の職を免ずる必要があります。") % p
    if code == "many_chairs":
        return _("会長が%(count)s人います（%(names)s）。会長は1人です。") % {
            "count": len(p["names"]),
            "names": "、".join(p["names"]),
        }
    if code == "no_chair":
        return _("会長が選任されていません。")
    if code == "size":
        return _("委員は%(size)s人です。おおむね10人程度（%(min)s〜%(max)s人）が目安です。") % p
    if code == "leader_share":
        return (
            _(
                "コミュニティ・リーダーは%(size)s人中%(leaders)s人（%(share)s%%）です。"
                "おおむね半数（%(min)s〜%(max)s%%）が目安です。"
            )
            % p
        )
    if code == "gender_spread":
        return {
            "female": _("委員が全員女性です。性別を考慮して幅広く選定してください。"),
            "male": _("委員が全員男性です。性別を考慮して幅広く選定してください。"),
            "other": _("委員が全員その他です。性別を考慮して幅広く選定してください。"),
        }[p["gender"]]
    if code == "age_spread":
        return _("委員が全員%(decade)s代です。年齢を考慮して幅広く選定してください。") % p
    if code == "occupation_spread":
        return _("委員が全員「%(occupation)s」です。職業を考慮して幅広く選定してください。") % p
    if code == "long_tenure":
        return _("%(name)sさんは%(years)s年間続けて委員です。組織の新陳代謝に配意してください。") % p
    if code == "term_ending":
        return _("%(name)sさんの任期が%(days)s日後（%(date)s）に満了します。") % p
    if code == "no_council":
        return _("%(koban)sの所管区には連絡協議会がありません。") % p
    return code


@dataclass(frozen=True)
class Limits:
    """Warning limits from the prefecture settings (X4)."""

    size_min: int = 8
    size_max: int = 12
    leader_share_min: int = 40
    leader_share_max: int = 60
    long_tenure_years: int = 6
    term_ending_days: int = 90

    @classmethod
    def from_settings(cls, s) -> "Limits":
        return cls(
            size_min=s.council_size_min,
            size_max=s.council_size_max,
            leader_share_min=s.leader_share_min,
            leader_share_max=s.leader_share_max,
            long_tenure_years=s.long_tenure_years,
            term_ending_days=s.term_ending_days,
        )


@dataclass(frozen=True)
class MemberFacts:
    """What the rules need to know about one current member."""

    name: str
    post: str = "member"  # chair / vice_chair / other / member
    leader_category: str = ""  # a / i / u / e, or "" for none
    gender: str = ""
    age: int | None = None
    occupation: str = ""
    holds_public_office: bool = False
    tenure_start: datetime.date | None = None  # first day of consecutive service on this council
    end_date: datetime.date | None = None
    key: str = ""  # tells this member's findings apart from another's (the membership id)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later (29 February becomes 28 February in common years)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_end(start: datetime.date, years: int) -> datetime.date:
    """C6.2(1): a term of ``years`` years starting on ``start`` ends the day before the same date ``years`` later."""
    return add_years(start, years) - datetime.timedelta(days=1)


def successor_term_end(predecessor_end: datetime.date) -> datetime.date:
    """C6.2(1): a successor serves the predecessor's remaining term."""
    return predecessor_end


def default_renewal_end(today: datetime.date) -> datetime.date:
    """C6.2(1): the renewal workbench's default period. Most terms end with the fiscal year on 31 March, so once that
    is within six months (183 days) the period reaches it, and at least 120 days ahead; otherwise it is 120 days."""
    march_end = datetime.date(today.year + (1 if today.month > 3 else 0), 3, 31)
    ahead = today + datetime.timedelta(days=120)
    if (march_end - today).days <= 183:
        return max(march_end, ahead)
    return ahead


def review_successor_coverage(*, review_kind: str, koban_count: int) -> str:
    """C4.3 (with C4.2): what a council made by a review covers, as a ``Council.Coverage`` value. The successors take
    over all the reviewed councils' kobans: after a split each covers part of a jurisdiction; after a merge they
    cover several jurisdictions when there is more than one koban, else part of the one."""
    if review_kind == "split" or koban_count <= 1:
        return "part"
    return "several"


def consecutive_service_start(terms: list[tuple[datetime.date, datetime.date]], today: datetime.date):
    """C6.4(2): the first day of the unbroken run of terms (start, last day) that reaches ``today``; None if none does."""
    ordered = sorted(terms, key=lambda t: t[0], reverse=True)
    run_start = None
    for start, last in ordered:
        if run_start is None:
            if start <= today <= last:
                run_start = start
            continue
        if last >= run_start - datetime.timedelta(days=1):
            run_start = min(run_start, start)
        else:
            break
    return run_start


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Whole years from ``start`` to ``end``."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def appointment_refusal(*, person_name: str, public_office: str | None) -> Finding | None:
    """C6.4(1): a current candidate for or holder of public office may not be appointed."""
    if public_office:
        return Finding("public_office", Severity.ERROR, "C6.4(1)", {"name": person_name, "office": public_office})
    return None


def council_findings(
    *, members: list[MemberFacts], limits: Limits, today: datetime.date, occupational: bool = False
) -> list[Finding]:
    """Everything worth telling about a council's current members, most serious first."""
    findings: list[Finding] = []
    for m in members:
        if m.holds_public_office:
            findings.append(Finding("public_office", Severity.ERROR, "C6.4(1)", {"name": m.name}, m.key))
    chairs = [m for m in members if m.post == "chair"]
    if len(chairs) > 1:
        findings.append(Finding("many_chairs", Severity.ERROR, "C3.2(1)", {"names": [m.name for m in chairs]}))
    elif members and not chairs:
        findings.append(Finding("no_chair", Severity.WARNING, "C3.2(1)"))
    size = len(members)
    if size < limits.size_min or size > limits.size_max:
        findings.append(
            Finding("size", Severity.WARNING, "C6.1", {"size": size, "min": limits.size_min, "max": limits.size_max})
        )
    if members:
        leaders = sum(1 for m in members if m.leader_category)
        share = round(100 * leaders / size)
        if share < limits.leader_share_min or share > limits.leader_share_max:
            findings.append(
                Finding(
                    "leader_share",
                    Severity.WARNING,
                    "C3.2(2)イ",
                    {
                        "size": size,
                        "leaders": leaders,
                        "share": share,
                        "min": limits.leader_share_min,
                        "max": limits.leader_share_max,
                    },
                )
            )
    if not occupational and size >= 3:
        findings.extend(_diversity_findings(members))
    for m in members:
        if m.tenure_start and years_between(m.tenure_start, today) >= limits.long_tenure_years:
            findings.append(
                Finding(
                    "long_tenure",
                    Severity.WARNING,
                    "C6.4(2)",
                    {"name": m.name, "years": years_between(m.tenure_start, today)},
                    m.key,
                )
            )
    for m in members:
        if m.end_date and today <= m.end_date <= today + datetime.timedelta(days=limits.term_ending_days):
            findings.append(
                Finding(
                    "term_ending",
                    Severity.INFO,
                    "C6.2(1)",
                    {"name": m.name, "days": (m.end_date - today).days, "date": f"{m.end_date:%Y-%m-%d}"},
                    m.key,
                )
            )
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(findings, key=lambda f: order[f.severity])


def age_band(age: int) -> str:
    return f"{min(age // 10 * 10, 70)}代"


def _diversity_findings(members: list[MemberFacts]) -> list[Finding]:
    """C3.2(2)ア: members chosen widely considering occupation, age and gender (not for 職種等, C5.2)."""
    findings = []
    genders = {m.gender for m in members if m.gender in ("female", "male", "other")}
    if len(genders) == 1 and sum(1 for m in members if m.gender in genders) == len(members):
        findings.append(Finding("gender_spread", Severity.WARNING, "C3.2(2)ア", {"gender": genders.pop()}))
    ages = [m.age for m in members if m.age is not None]
    if len(ages) == len(members) and len({age_band(a) for a in ages}) == 1:
        findings.append(Finding("age_spread", Severity.WARNING, "C3.2(2)ア", {"decade": min(ages[0] // 10 * 10, 70)}))
    occupations = [m.occupation.strip() for m in members if m.occupation.strip()]
    if len(occupations) == len(members) and len(set(occupations)) == 1:
        findings.append(Finding("occupation_spread", Severity.WARNING, "C3.2(2)ア", {"occupation": occupations[0]}))
    return findings


@dataclass(frozen=True)
class OfficerFacts:
    id: int
    role: str  # koban_chief / koban_staff
    rank_order: int
    active: bool = True


def propose_operation_manager(*, koban_kind: str, officers: list[OfficerFacts]) -> int | None:
    """C3.2(3): the koban chief; for a chuzaisho the chief where several staff, the one officer where one."""
    staff = [o for o in officers if o.active]
    if not staff:
        return None
    chiefs = [o for o in staff if o.role == "koban_chief"]
    if koban_kind == "chuzaisho" and len(staff) == 1:
        return staff[0].id
    if chiefs:
        return max(chiefs, key=lambda o: (o.rank_order, -o.id)).id
    # No chief recorded: the most senior officer, so the station chief has a proposal to confirm or change.
    return max(staff, key=lambda o: (o.rank_order, -o.id)).id


def kobans_without_council(*, koban_names: dict[int, str], covered_koban_ids: set[int]) -> list[Finding]:
    """C3.1: as a rule every koban/chuzaisho jurisdiction has a council."""
    return [
        Finding("no_council", Severity.WARNING, "C3.1", {"koban": name})
        for pk, name in koban_names.items()
        if pk not in covered_koban_ids
    ]
