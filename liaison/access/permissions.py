"""Roles and the fixed list of permission names (X2). The one table that says which role may do what."""

from enum import StrEnum

from .roles import Role


class Perm(StrEnum):
    VIEW_ALL_STATIONS = "view_all_stations"  # HQ: every station's records
    VIEW_STATION = "view_station"  # the own station's records
    MANAGE_SETTINGS = "manage_settings"  # prefecture settings (X4)
    MANAGE_ORGANISATION = "manage_organisation"  # stations, kobans, reorganisations
    VIEW_AUDIT_ALL = "view_audit_all"
    VIEW_AUDIT_STATION = "view_audit_station"
    VIEW_PEOPLE = "view_people"  # civilians' personal data
    MANAGE_PEOPLE = "manage_people"
    MERGE_PEOPLE = "merge_people"
    VIEW_COUNCILS = "view_councils"
    MANAGE_COUNCILS = "manage_councils"  # set up, review, bylaws (station community section)
    APPOINT_MEMBERS = "appoint_members"  # appoint, reappoint, end memberships
    CONFIRM_OPERATION_MANAGER = "confirm_operation_manager"  # C3.2(3): the station chief designates
    PRINT_FORMS = "print_forms"  # forms 1–3: personal-data exports
    KOBAN_ONLY = "koban_only"  # changes limited to the officer's own koban
    MANAGE_MEETINGS = "manage_meetings"  # C7–C10: schedule meetings, record attendance, themes, materials, minutes
    MANAGE_ELECTION_PERIODS = "manage_election_periods"  # C10.3: the election periods meetings avoid
    MANAGE_CASES = "manage_cases"  # C8.2: opinions and requests, their action status, problem-solving activities
    SUBMIT_MEETING_REPORTS = "submit_meeting_reports"  # C11.2: operation staff submit Form 3
    # C11.2: the chief, or the deputy for routine reports; who decides which is liaison.reports.routing's
    # meeting_report_decider
    APPROVE_MEETING_REPORTS = "approve_meeting_reports"
    SUBMIT_SETUP_REPORTS = "submit_setup_reports"  # C11.1(1): the station chief sends Form 2 to HQ
    ACCEPT_SETUP_REPORTS = "accept_setup_reports"  # C11.1(1): HQ's community division accepts or returns Form 2
    REPORT_GOOD_PRACTICE = "report_good_practice"  # C11.1(2): a station reports good practice to HQ
    ACCEPT_GOOD_PRACTICE = "accept_good_practice"  # C11.1(2): HQ's community division accepts or returns them
    # The community safety network (N1–N4)
    VIEW_CONTACTS = "view_contacts"  # N2.4: the station's contact-person list, shared with every section and HQ
    MANAGE_CONTACTS = "manage_contacts"  # N2, N4.2: register contact persons, record their consent (地域課)
    REFER_CANDIDATES = "refer_candidates"  # N2.3: any section tells 地域課 of a candidate
    DECIDE_REFERRALS = "decide_referrals"  # N2.3: 地域課 accepts or declines a referral
    LOG_EXCHANGES = "log_exchanges"  # N3.1ア・イ: every section logs information exchanges
    PUBLISH_SAFETY_INFO = "publish_safety_info"  # N3.1エ: HQ divisions and stations publish information items
    DISTRIBUTE_SAFETY_INFO = "distribute_safety_info"  # N3.2: pass items on to contact persons (mail, print, hand)
    MANAGE_SAFETY_MEETINGS = "manage_safety_meetings"  # N3.3: 地域安全の会
    PLAN_VISIT_DAYS = "plan_visit_days"  # N4.4: the chief's 巡回連絡強化日
    VIEW_NETWORK_FIGURES = "view_network_figures"  # N4.1, N4.3, N4.4: the station chief's view


_STATION_READ = {Perm.VIEW_STATION, Perm.VIEW_COUNCILS}
_PEOPLE = {Perm.VIEW_PEOPLE, Perm.MANAGE_PEOPLE}
_COUNCIL_WORK = {Perm.MANAGE_COUNCILS, Perm.APPOINT_MEMBERS, Perm.PRINT_FORMS}
# The meetings' day-to-day work: the koban's operation staff and the station's community section (C9.2, C10.1).
_MEETING_WORK = {Perm.MANAGE_MEETINGS, Perm.MANAGE_CASES, Perm.SUBMIT_MEETING_REPORTS}
# Every officer of a station reads its contact-person list, refers candidates and logs exchanges (N2.3, N2.4, N3.1イ).
_NETWORK_ALL = {Perm.VIEW_CONTACTS, Perm.REFER_CANDIDATES, Perm.LOG_EXCHANGES}
# The station community section keeps the network (N2.4) and the chief and deputy oversee it (N4.4).
_NETWORK_KEEPING = {
    *_NETWORK_ALL,
    Perm.MANAGE_CONTACTS,
    Perm.DECIDE_REFERRALS,
    Perm.PUBLISH_SAFETY_INFO,
    Perm.DISTRIBUTE_SAFETY_INFO,
    Perm.MANAGE_SAFETY_MEETINGS,
    Perm.PLAN_VISIT_DAYS,
    Perm.VIEW_NETWORK_FIGURES,
}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.HQ_ADMIN: frozenset(
        {
            Perm.VIEW_CONTACTS,
            Perm.PUBLISH_SAFETY_INFO,
            Perm.VIEW_NETWORK_FIGURES,
            Perm.VIEW_ALL_STATIONS,
            *_STATION_READ,
            Perm.MANAGE_SETTINGS,
            Perm.MANAGE_ORGANISATION,
            Perm.MANAGE_ELECTION_PERIODS,
            Perm.ACCEPT_SETUP_REPORTS,
            Perm.ACCEPT_GOOD_PRACTICE,
            Perm.VIEW_AUDIT_ALL,
            Perm.VIEW_AUDIT_STATION,
            Perm.VIEW_PEOPLE,
            Perm.MERGE_PEOPLE,
            Perm.PRINT_FORMS,
        }
    ),
    Role.HQ_STAFF: frozenset({Perm.VIEW_CONTACTS, Perm.PUBLISH_SAFETY_INFO, Perm.VIEW_ALL_STATIONS, *_STATION_READ}),
    Role.STATION_CHIEF: frozenset(
        {
            *_NETWORK_KEEPING,
            *_STATION_READ,
            *_PEOPLE,
            *_COUNCIL_WORK,
            *_MEETING_WORK,
            Perm.CONFIRM_OPERATION_MANAGER,
            Perm.VIEW_AUDIT_STATION,
            Perm.MERGE_PEOPLE,
            Perm.MANAGE_ELECTION_PERIODS,
            Perm.APPROVE_MEETING_REPORTS,
            Perm.SUBMIT_SETUP_REPORTS,
            Perm.REPORT_GOOD_PRACTICE,
        }
    ),
    Role.DEPUTY: frozenset(
        {
            *_NETWORK_KEEPING,
            *_STATION_READ,
            *_PEOPLE,
            *_COUNCIL_WORK,
            *_MEETING_WORK,
            Perm.VIEW_AUDIT_STATION,
            Perm.MANAGE_ELECTION_PERIODS,
            Perm.APPROVE_MEETING_REPORTS,  # routine reports only (C11.2): routing.meeting_report_decider
            Perm.REPORT_GOOD_PRACTICE,
        }
    ),
    Role.COMMUNITY_SECTION: frozenset(
        {
            *_NETWORK_KEEPING,
            *_STATION_READ,
            *_PEOPLE,
            *_COUNCIL_WORK,
            *_MEETING_WORK,
            Perm.MERGE_PEOPLE,
            Perm.MANAGE_ELECTION_PERIODS,
            Perm.REPORT_GOOD_PRACTICE,
        }
    ),
    # Every section takes opinions and requests and follows up its own (C8.2, N3.1).
    Role.SECTION_STAFF: frozenset({*_NETWORK_ALL, Perm.PUBLISH_SAFETY_INFO, *_STATION_READ, Perm.MANAGE_CASES}),
    Role.KOBAN_CHIEF: frozenset(
        {
            *_NETWORK_ALL,
            Perm.MANAGE_CONTACTS,
            Perm.DISTRIBUTE_SAFETY_INFO,
            *_STATION_READ,
            *_PEOPLE,
            *_MEETING_WORK,
            Perm.APPOINT_MEMBERS,
            Perm.PRINT_FORMS,
            Perm.REPORT_GOOD_PRACTICE,
            Perm.KOBAN_ONLY,
        }
    ),
    Role.KOBAN_STAFF: frozenset({*_NETWORK_ALL, *_STATION_READ, *_MEETING_WORK, Perm.VIEW_PEOPLE, Perm.KOBAN_ONLY}),
}
