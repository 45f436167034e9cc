"""Writes to the organisation. Each action validates, saves and writes its audit entry in one transaction."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.access.actions import second_factor_remove
from liaison.audit.log import japanese, record
from liaison.lib import once
from liaison.lib.dates import require_office_date
from liaison.lib.kana import READING_ERROR, clean_name, normalize_reading
from liaison.lib.versioning import bump_version, save_versioned

from .models import HQDivision, Koban, KobanTransfer, Officer, PrefectureSettings, Reorganisation, Section, Station
from .signals import koban_closing, kobans_transferred, settings_changed

SETTINGS_FIELDS = [
    "name",
    "hq_name",
    "hq_chief_title",
    "station_chief_title",
    "hq_community_division",
    "hq_doc_prefix",
    "station_doc_prefix",
    "term_years",
    "council_size_min",
    "council_size_max",
    "leader_share_min",
    "leader_share_max",
    "long_tenure_years",
    "term_ending_days",
    "regular_meeting_due_month",
    "meeting_report_days",
    "report_decision_days",
    "case_tell_days",
    "case_open_days",
    "contact_stale_days",
    "retention_years",
]


@transaction.atomic
def prefecture_settings_update(*, values: dict, version: int, acting_user) -> PrefectureSettings:
    """Save the prefecture settings if nobody saved them since ``version`` was read; else raise StaleEdit."""
    current = PrefectureSettings.current()
    changed = {k: v for k, v in values.items() if k in SETTINGS_FIELDS and getattr(current, k) != v}
    fields = [k for k in SETTINGS_FIELDS if k in values]
    for name in fields:
        setattr(current, name, values[name])
    save_versioned(current, version, fields)
    record(
        user=acting_user,
        action="settings.update",
        summary="県の設定を変更しました",
        obj=current,
        detail={k: str(v) for k, v in changed.items()},
    )
    if changed:
        settings_changed.send(
            sender=PrefectureSettings, settings=current, changed=sorted(changed), acting_user=acting_user
        )
    return current


@transaction.atomic
def reorganisation_move_kobans(
    *,
    from_station: Station,
    to_station: Station,
    kobans: list[Koban],
    effective_date: datetime.date,
    note: str = "",
    acting_user,
) -> Reorganisation:
    """Move kobans to another station (C6.2(2)), keeping the history; listeners re-commission council members."""
    require_office_date(effective_date, field="effective_date")
    if from_station.pk == to_station.pk:
        raise ValidationError(_("移管元と移管先が同じ警察署です。"))
    if not to_station.active:
        raise ValidationError(_("移管先の警察署は統合済みです。"))
    if not kobans:
        raise ValidationError(_("移管する交番・駐在所を選んでください。"))
    foreign = [k.name for k in kobans if k.station_id != from_station.pk]
    if foreign:
        raise ValidationError(
            _("%(kobans)sは%(station)sの所属ではありません。")
            % {"kobans": "、".join(foreign), "station": from_station.name}
        )
    reorg = Reorganisation.objects.create(
        kind=Reorganisation.Kind.MOVE_KOBANS,
        effective_date=effective_date,
        from_station=from_station,
        to_station=to_station,
        note=note,
        created_by=acting_user,
    )
    transfers = _transfer(reorg, kobans, from_station, to_station)
    record(
        user=acting_user,
        action="org.reorganise",
        summary=f"{'、'.join(k.name for k in kobans)}を{from_station.name}から{to_station.name}へ移管しました",
        obj=reorg,
    )
    kobans_transferred.send(sender=Reorganisation, reorganisation=reorg, transfers=transfers, acting_user=acting_user)
    return reorg


@transaction.atomic
def reorganisation_merge_stations(
    *, from_station: Station, to_station: Station, effective_date: datetime.date, note: str = "", acting_user
) -> Reorganisation:
    """Merge a station into another: all its kobans and sections move, the old station stays as history."""
    require_office_date(effective_date, field="effective_date")
    if from_station.pk == to_station.pk:
        raise ValidationError(_("統合元と統合先が同じ警察署です。"))
    if not from_station.active or not to_station.active:
        raise ValidationError(_("統合済みの警察署は選べません。"))
    reorg = Reorganisation.objects.create(
        kind=Reorganisation.Kind.MERGE,
        effective_date=effective_date,
        from_station=from_station,
        to_station=to_station,
        note=note,
        created_by=acting_user,
    )
    kobans = list(from_station.kobans.all())
    transfers = _transfer(reorg, kobans, from_station, to_station)
    # Officers follow their kobans; the rest move to the new station's section of the same name when there is one.
    # Versions move on so that an officer or station edit screen opened before the merge cannot undo it.
    bump_version(from_station.officers.filter(koban__isnull=True), station=to_station, section=None)
    bump_version(Station.objects.filter(pk=from_station.pk), active=False, merged_into=to_station)
    record(
        user=acting_user,
        action="org.merge",
        summary=f"{from_station.name}を{to_station.name}に統合しました",
        obj=reorg,
    )
    kobans_transferred.send(sender=Reorganisation, reorganisation=reorg, transfers=transfers, acting_user=acting_user)
    return reorg


def _transfer(reorg, kobans, from_station, to_station) -> list[KobanTransfer]:
    transfers = []
    community_section = to_station.sections.filter(is_community=True).first()
    for koban in kobans:
        transfers.append(
            KobanTransfer.objects.create(
                reorganisation=reorg, koban=koban, from_station=from_station, to_station=to_station
            )
        )
        bump_version(Koban.objects.filter(pk=koban.pk), station=to_station)
        koban.station = to_station
        # The koban's officers move with it, into the new station's 地域課.
        bump_version(koban.officers.all(), station=to_station, section=community_section)
    return transfers


# --- Organisation maintenance (X1): stations, HQ divisions, sections, kobans ---------------------------------------

STATION_FIELDS = ["name", "code", "address", "order"]
HQ_DIVISION_FIELDS = ["name", "is_community", "order"]
SECTION_FIELDS = ["name", "is_community", "order"]
KOBAN_FIELDS = ["station", "name", "kind", "jurisdiction_name", "municipality", "area", "order"]


def _apply(obj, values: dict, fields: list[str]) -> dict:
    """Set the listed fields from ``values``; return {field: [old, new]} of what changed, as text for the audit."""
    changed = {}
    for name in fields:
        if name not in values:
            continue
        field = obj._meta.get_field(name)
        new = values[name]
        if isinstance(new, str) and not field.choices:
            new = clean_name(new)
        if field.is_relation:
            old_id, new_id = getattr(obj, field.attname), new.pk if new is not None else None
            if old_id != new_id:
                old = field.related_model._default_manager.filter(pk=old_id).first() if old_id else None
                changed[name] = [str(old or ""), str(new or "")]
                setattr(obj, name, new)
        elif getattr(obj, name) != new:
            changed[name] = [str(getattr(obj, name)), str(new)]
            setattr(obj, name, new)
    return changed


@transaction.atomic
def station_create(*, values: dict, acting_user, form_token: str | None = None) -> Station:
    """Create a police station; name and code are unique; once per form token."""
    claim = once.claim(form_token, acting_user)
    station = Station()
    _apply(station, values, STATION_FIELDS)
    station.full_clean()
    station.save()
    record(user=acting_user, action="org.station.create", summary=f"{station.name}を登録しました", obj=station)
    claim.done(station)
    return station


@transaction.atomic
def station_update(*, station: Station, values: dict, version: int, acting_user) -> Station:
    """Change a station's name, code, address or order, unless it was saved since ``version`` (then StaleEdit)."""
    station = Station.objects.select_for_update().get(pk=station.pk)
    changed = _apply(station, values, STATION_FIELDS)
    if changed:
        station.full_clean()
        save_versioned(station, version, list(changed))
        record(
            user=acting_user,
            action="org.station.update",
            summary=f"{station.name}の登録内容を変更しました",
            obj=station,
            detail=changed,
        )
    return station


@transaction.atomic
def hq_division_create(*, values: dict, acting_user, form_token: str | None = None) -> HQDivision:
    """Create a division of the prefectural HQ; once per form token."""
    claim = once.claim(form_token, acting_user)
    division = HQDivision()
    _apply(division, values, HQ_DIVISION_FIELDS)
    division.full_clean()
    division.save()
    record(
        user=acting_user,
        action="org.hq_division.create",
        summary=f"本部所属「{division.name}」を登録しました",
        obj=division,
    )
    claim.done(division)
    return division


@transaction.atomic
def hq_division_update(*, division: HQDivision, values: dict, version: int, acting_user) -> HQDivision:
    """Rename an HQ division or (un)mark it as the HQ community division; StaleEdit if saved since ``version``."""
    division = HQDivision.objects.select_for_update().get(pk=division.pk)
    changed = _apply(division, values, HQ_DIVISION_FIELDS)
    if changed:
        division.full_clean()
        save_versioned(division, version, list(changed))
        record(
            user=acting_user,
            action="org.hq_division.update",
            summary=f"本部所属「{division.name}」を変更しました",
            obj=division,
            detail=changed,
        )
    return division


def _check_section_name(section: Section) -> None:
    if section.station.sections.filter(name=section.name).exclude(pk=section.pk).exists():
        raise ValidationError(
            {
                "name": _("%(station)sには既に「%(name)s」があります。")
                % {"station": section.station.name, "name": section.name}
            }
        )


def _check_one_community_section(section: Section) -> None:
    if not section.is_community:
        return
    other = section.station.sections.filter(is_community=True).exclude(pk=section.pk).first()
    if other is not None:
        raise ValidationError(
            {
                "is_community": _(
                    "%(station)sには既に地域課（%(section)s）があります。"
                    "地域課は1署に1つです。先にその課の指定を外してください。"
                )
                % {"station": section.station.name, "section": other.name}
            }
        )


@transaction.atomic
def section_create(*, station: Station, values: dict, acting_user, form_token: str | None = None) -> Section:
    """Add a section (課) to a station; at most one of a station's sections is its 地域課; once per form token."""
    claim = once.claim(form_token, acting_user)
    station = Station.objects.select_for_update().get(pk=station.pk)
    section = Section(station=station)
    _apply(section, values, SECTION_FIELDS)
    _check_section_name(section)
    _check_one_community_section(section)
    section.full_clean()
    section.save()
    record(
        user=acting_user,
        action="org.section.create",
        summary=f"{station.name}に{section.name}を追加しました",
        obj=section,
    )
    claim.done(section)
    return section


@transaction.atomic
def section_update(*, section: Section, values: dict, version: int, acting_user) -> Section:
    """Rename a section or (un)mark it as the station's 地域課 (one per station); StaleEdit if saved since ``version``."""
    Station.objects.select_for_update().get(pk=section.station_id)  # serialise 地域課 changes within a station
    section = Section.objects.select_related("station").get(pk=section.pk)
    changed = _apply(section, values, SECTION_FIELDS)
    if changed:
        _check_section_name(section)
        _check_one_community_section(section)
        section.full_clean()
        save_versioned(section, version, list(changed))
        record(
            user=acting_user,
            action="org.section.update",
            summary=f"{section.station.name}の{section.name}を変更しました",
            obj=section,
            detail=changed,
        )
    return section


def _check_koban(koban: Koban) -> None:
    if koban.station_id and not koban.station.active:
        raise ValidationError(
            {
                "station": _("%(station)sは統合済みです。現存の警察署を選んでください。")
                % {"station": koban.station.name}
            }
        )
    if Koban.objects.filter(station_id=koban.station_id, name=koban.name).exclude(pk=koban.pk).exists():
        raise ValidationError(
            {
                "name": _("%(station)sには既に「%(name)s」があります。")
                % {"station": koban.station.name, "name": koban.name}
            }
        )


@transaction.atomic
def koban_create(*, values: dict, acting_user, form_token: str | None = None) -> Koban:
    """Create a koban or chuzaisho of an active station, with its jurisdiction (所管区); once per form token."""
    claim = once.claim(form_token, acting_user)
    koban = Koban()
    _apply(koban, values, KOBAN_FIELDS)
    _check_koban(koban)
    koban.full_clean()
    koban.save()
    record(
        user=acting_user,
        action="org.koban.create",
        summary=f"{koban.station.name}に{koban.name}（{japanese(koban.get_kind_display)}）を登録しました",
        obj=koban,
    )
    claim.done(koban)
    return koban


@transaction.atomic
def koban_update(*, koban: Koban, values: dict, version: int, acting_user) -> Koban:
    """Change a koban's name, kind, jurisdiction or order (StaleEdit if saved since ``version``).

    Moving it to another station is a reorganisation.
    """
    koban = Koban.objects.select_for_update().select_related("station").get(pk=koban.pk)
    if "station" in values and values["station"].pk != koban.station_id:
        raise ValidationError(
            {"station": _("警察署の変更（移管）は「再編整備」で登録してください。履歴と委員の再委嘱が必要です。")}
        )
    changed = _apply(koban, values, [f for f in KOBAN_FIELDS if f != "station"])
    if changed:
        _check_koban(koban)
        koban.full_clean()
        save_versioned(koban, version, list(changed))
        record(
            user=acting_user,
            action="org.koban.update",
            summary=f"{koban.station.name}の{koban.name}を変更しました",
            obj=koban,
            detail=changed,
        )
    return koban


@transaction.atomic
def koban_close(*, koban: Koban, acting_user) -> Koban:
    """Close (廃止) a koban: refused while active officers are still assigned to it."""
    koban = Koban.objects.select_for_update().select_related("station").get(pk=koban.pk)
    if not koban.active:
        raise ValidationError(_("%(koban)sは既に廃止されています。") % {"koban": koban.name})
    assigned = koban.officers.filter(active=True).count()
    if assigned:
        raise ValidationError(
            _("%(koban)sには在職中の職員が%(count)s人配置されています。先に職員を異動させてから廃止してください。")
            % {"koban": koban.name, "count": assigned}
        )
    koban_closing.send(sender=Koban, koban=koban)
    koban.active = False
    koban.save(update_fields=["active"])
    record(
        user=acting_user,
        action="org.koban.close",
        summary=f"{koban.station.name}の{koban.name}を廃止しました",
        obj=koban,
    )
    return koban


# --- Officers and their login accounts (X1, X2) ---------------------------------------------------------------------

OFFICER_FIELDS = [
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "rank",
    "title",
    "role",
    "hq_division",
    "station",
    "section",
    "koban",
]
HQ_ROLES = {Officer.Role.HQ_ADMIN, Officer.Role.HQ_STAFF}
KOBAN_ROLES = {Officer.Role.KOBAN_CHIEF, Officer.Role.KOBAN_STAFF}
COMMUNITY_ROLES = KOBAN_ROLES | {Officer.Role.COMMUNITY_SECTION}


def officer_clean_values(values: dict) -> dict:
    """Names tidied (kanji kept as typed), readings normalised to katakana, placement checked against the role.

    Returns the cleaned values (for koban roles and 署地域課 the section becomes the station's 地域課); raises a
    ValidationError keyed by field with a Japanese message for each inconsistency.
    """
    values = dict(values)
    errors: dict[str, str] = {}
    for name in ("family_name", "given_name", "title"):
        if name in values:
            values[name] = clean_name(values[name])
    for name in ("family_kana", "given_kana"):
        if name in values:
            try:
                values[name] = normalize_reading(values[name])
            except ValueError:
                errors[name] = READING_ERROR
    role = values.get("role")
    division, station = values.get("hq_division"), values.get("station")
    section, koban = values.get("section"), values.get("koban")
    if role in HQ_ROLES:
        if division is None:
            errors["hq_division"] = _("本部の職員には本部所属を選んでください。")
        if station is not None or section is not None or koban is not None:
            errors["station"] = _("本部の職員には警察署・課・交番・駐在所を選ばないでください。")
    elif role:
        if role in KOBAN_ROLES and koban is None:
            errors["koban"] = _("交番・駐在所の職員には交番・駐在所を選んでください。")
        if division is not None:
            errors["hq_division"] = _("警察署の職員には本部所属を選ばないでください。")
        if station is None:
            errors["station"] = _("警察署の職員には警察署を選んでください。")
        elif not station.active:
            errors["station"] = _("%(station)sは統合済みです。現存の警察署を選んでください。") % {
                "station": station.name
            }
        else:
            if role in KOBAN_ROLES:
                if koban is None:
                    pass  # reported above
                elif koban.station_id != station.pk:
                    errors["koban"] = _("%(koban)sは%(station)sの交番・駐在所ではありません。") % {
                        "koban": koban.name,
                        "station": station.name,
                    }
                elif not koban.active:
                    errors["koban"] = _("%(koban)sは廃止されています。") % {"koban": koban.name}
            elif koban is not None:
                errors["koban"] = _("交番・駐在所は、交番所長・駐在所長と交番・駐在所勤務員のときだけ選びます。")
            if role in COMMUNITY_ROLES:
                community = station.sections.filter(is_community=True).first()
                if community is None:
                    errors["section"] = _(
                        "%(station)sに地域課が登録されていません。警察署の画面で課を指定してください。"
                    ) % {"station": station.name}
                elif section is not None and section.pk != community.pk:
                    errors["section"] = _("この役割の職員の課は%(station)sの地域課（%(section)s）です。") % {
                        "station": station.name,
                        "section": community.name,
                    }
                else:
                    values["section"] = community
            elif section is not None and section.station_id != station.pk:
                errors["section"] = _("%(section)sは%(station)sの課ではありません。") % {
                    "section": section.name,
                    "station": station.name,
                }
            elif role == Officer.Role.SECTION_STAFF and section is None:
                errors["section"] = _("署各課の職員には課を選んでください。")
    if errors:
        raise ValidationError(errors)
    return values


def _officer_audit_values(officer: Officer) -> dict:
    return {name: str(getattr(officer, name) or "") for name in OFFICER_FIELDS}


def _check_username(username: str) -> str:
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("ログインIDを入力してください。")})
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as error:
        raise ValidationError({"username": _("ログインIDには半角英数字と @ . + - _ だけが使えます。")}) from error
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("ログインID「%(username)s」は既に使われています。") % {"username": username}}
        )
    return username


def _check_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error


@transaction.atomic
def officer_create(
    *, values: dict, username: str, password: str, acting_user, form_token: str | None = None
) -> Officer:
    """Create an officer with a login account; the password must pass the configured password validators; once per form token."""
    claim = once.claim(form_token, acting_user)
    values = officer_clean_values(values)
    username = _check_username(username)
    User = get_user_model()
    user = User(username=username)
    officer = Officer(user=user)
    _apply(officer, values, OFFICER_FIELDS)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    officer.user = user
    # The administrator knows the first password, typed or generated: the officer replaces it at first login.
    officer.must_change_password = True
    officer.full_clean()
    officer.save()
    record(
        user=acting_user,
        action="org.officer.create",
        summary=f"職員 {officer.full_name}（ログインID {username}）を登録しました（初回ログイン時にパスワード変更）",
        obj=officer,
        detail={**_officer_audit_values(officer), "must_change_password": True},
    )
    claim.done(officer)
    return officer


def _check_not_last_admin(officer: Officer, new_role=None) -> None:
    if officer.role != Officer.Role.HQ_ADMIN or new_role == Officer.Role.HQ_ADMIN:
        return
    others = Officer.objects.filter(role=Officer.Role.HQ_ADMIN, active=True, user__is_active=True).exclude(
        pk=officer.pk
    )
    if not others.exists():
        raise ValidationError(_("本部地域課（管理者）の職員が他にいなくなるため、この変更はできません。"))


@transaction.atomic
def officer_update(*, officer: Officer, values: dict, version: int, acting_user) -> Officer:
    """Change an officer's names, rank, title, role and fitting placement; StaleEdit if saved since ``version``."""
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    values = officer_clean_values(values)
    if "role" in values:
        _check_not_last_admin(officer, values["role"])
    changed = _apply(officer, values, OFFICER_FIELDS)
    if changed:
        officer.full_clean()
        save_versioned(officer, version, [*changed, "sort_key"])
        record(
            user=acting_user,
            action="org.officer.update",
            summary=f"職員 {officer.full_name} の登録内容を変更しました",
            obj=officer,
            detail=changed,
        )
    return officer


@transaction.atomic
def officer_retire(*, officer: Officer, acting_user) -> Officer:
    """Retire an officer: the record stays for history and the login account is deactivated."""
    officer = Officer.objects.select_for_update().select_related("user").get(pk=officer.pk)
    if not officer.active:
        raise ValidationError(_("%(name)sは既に退職（転出）済みです。") % {"name": officer.full_name})
    if acting_user is not None and officer.user_id == acting_user.pk:
        raise ValidationError(_("自分自身を退職（転出）にすることはできません。"))
    _check_not_last_admin(officer)
    officer.active = False
    officer.save(update_fields=["active"])
    officer.user.is_active = False
    officer.user.save(update_fields=["is_active"])
    record(
        user=acting_user,
        action="org.officer.retire",
        summary=f"職員 {officer.full_name} を退職（転出）とし、ログインを停止しました",
        obj=officer,
    )
    return officer


@transaction.atomic
def officer_password_reset(*, officer: Officer, password: str, acting_user) -> Officer:
    """Give an officer a new password (validated as any other), to be changed at their next login unless they set it
    themselves; the audit says it was reset, never what it is."""
    officer = Officer.objects.select_related("user").get(pk=officer.pk)
    if not officer.active or not officer.user.is_active:
        raise ValidationError(
            _("%(name)sは退職（転出）済みのため、パスワードを設定できません。") % {"name": officer.full_name}
        )
    _check_password(password, officer.user)
    officer.user.set_password(password)
    officer.user.save(update_fields=["password"])
    # Another person now knows this password; an administrator who resets their own chose it themselves.
    must_change = acting_user is None or acting_user.pk != officer.user_id
    if officer.must_change_password != must_change:
        officer.must_change_password = must_change
        officer.save(update_fields=["must_change_password"])
    record(
        user=acting_user,
        action="org.officer.password_reset",
        summary=f"職員 {officer.full_name} のパスワードを再設定しました"
        + ("（次回ログイン時にパスワード変更）" if must_change else ""),
        obj=officer,
        detail={"must_change_password": must_change},
    )
    return officer


def officer_password_changed(*, acting_user) -> None:
    """The officer chose their own password: a forced change, if one was pending, is done (the password change
    page's signal audits the change itself)."""
    Officer.objects.filter(user=acting_user, must_change_password=True).update(must_change_password=False)


@transaction.atomic
def officer_second_factor_reset(*, officer: Officer, acting_user) -> int:
    """Remove an officer's second factor (a lost phone): their TOTP app and recovery codes go, and they enrol again
    at their next login. Audited as who reset whose; returns how many devices went."""
    officer = Officer.objects.select_related("user").get(pk=officer.pk)
    removed = second_factor_remove(user=officer.user)
    record(
        user=acting_user,
        action="org.officer.second_factor_reset",
        summary=f"職員 {officer.full_name} の二要素認証を解除しました（次回ログイン時に再登録）",
        obj=officer,
        detail={"officer_user_id": officer.user_id, "devices_removed": removed},
    )
    return removed


def generate_password() -> str:
    """A random initial password that passes the validators: 12 letters and digits in groups, easy to read out."""
    # No vowels: every romanised Japanese name has one, so no draw can spell a name the name validator refuses.
    alphabet = "BCDFGHJKLMNPQRSTVWXYZbcdfghjkmnpqrstvwxyz23456789"
    while True:
        raw = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in raw) and any(c.isalpha() for c in raw):
            return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
