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


_STATION_READ = {Perm.VIEW_STATION, Perm.VIEW_COUNCILS}
_PEOPLE = {Perm.VIEW_PEOPLE, Perm.MANAGE_PEOPLE}
_COUNCIL_WORK = {Perm.MANAGE_COUNCILS, Perm.APPOINT_MEMBERS, Perm.PRINT_FORMS}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.HQ_ADMIN: frozenset(
        {
            Perm.VIEW_ALL_STATIONS,
            *_STATION_READ,
            Perm.MANAGE_SETTINGS,
            Perm.MANAGE_ORGANISATION,
            Perm.VIEW_AUDIT_ALL,
            Perm.VIEW_AUDIT_STATION,
            Perm.VIEW_PEOPLE,
            Perm.MERGE_PEOPLE,
            Perm.PRINT_FORMS,
        }
    ),
    Role.HQ_STAFF: frozenset({Perm.VIEW_ALL_STATIONS, *_STATION_READ}),
    Role.STATION_CHIEF: frozenset(
        {
            *_STATION_READ,
            *_PEOPLE,
            *_COUNCIL_WORK,
            Perm.CONFIRM_OPERATION_MANAGER,
            Perm.VIEW_AUDIT_STATION,
            Perm.MERGE_PEOPLE,
        }
    ),
    Role.DEPUTY: frozenset({*_STATION_READ, *_PEOPLE, *_COUNCIL_WORK, Perm.VIEW_AUDIT_STATION}),
    Role.COMMUNITY_SECTION: frozenset({*_STATION_READ, *_PEOPLE, *_COUNCIL_WORK, Perm.MERGE_PEOPLE}),
    Role.SECTION_STAFF: frozenset({*_STATION_READ}),
    Role.KOBAN_CHIEF: frozenset({*_STATION_READ, *_PEOPLE, Perm.APPOINT_MEMBERS, Perm.PRINT_FORMS, Perm.KOBAN_ONLY}),
    Role.KOBAN_STAFF: frozenset({*_STATION_READ, Perm.VIEW_PEOPLE, Perm.KOBAN_ONLY}),
}
