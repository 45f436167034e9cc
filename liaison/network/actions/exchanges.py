"""Writes of information exchanges (N3.1ア–ウ): one action logs an exchange with its contact persons, the materials
handed out and the opinions received, each opinion a case of the shared case model."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from liaison.audit.log import japanese, record
from liaison.cases.actions import case_create
from liaison.cases.models import Case
from liaison.lib import once
from liaison.lib.dates import require_office_date, today_tokyo
from liaison.org.models import Officer, Station

from .. import findings, queries_exchanges, tally
from ..models import ContactPerson, Exchange, ExchangeCase, ExchangeMaterial

Kind = ExchangeMaterial.Kind


def _check_materials(station: Station, on, materials: list[dict]) -> list[ExchangeMaterial]:
    rows = []
    for material in materials:
        kind, item, title = material.get("kind"), material.get("item"), (material.get("title") or "").strip()
        if kind not in Kind.values:
            raise ValidationError(_("配布資料の種類が正しくありません。"))
        if kind == Kind.SAFETY_INFO:
            if item is None or not _offered_item(station, on, item.pk):
                raise ValidationError(
                    _("地域安全情報は、%(station)sが受け取り、その日に掲載期限内のものから選んでください。")
                    % {"station": station.name}
                )
        else:
            item = None
        if kind == Kind.KOBAN_BULLETIN and not title:
            raise ValidationError({"bulletin_title": _("交番速報の名称（例: 11月号）を入力してください。")})
        if kind == Kind.OTHER and not title:
            raise ValidationError(_("その他の資料の名称を入力してください。"))
        rows.append(ExchangeMaterial(kind=kind, item=item, title=title[:120]))
    return rows


def _offered_item(station: Station, on, pk: int) -> bool:
    return queries_exchanges.offered_items(station, on).filter(pk=pk).exists()


def _raiser(contact: ContactPerson | None, met: list[ContactPerson]) -> ContactPerson | None:
    """Who raised an opinion: the contact named, or the only one met when none is named."""
    if contact is None:
        return met[0] if len(met) == 1 else None
    if contact.pk not in {c.pk for c in met}:
        raise ValidationError(_("意見・要望の申出者は、情報交換した連絡員から選んでください。"))
    return contact


@transaction.atomic
def exchange_create(
    *,
    station: Station,
    officer: Officer,
    values: dict,
    contacts: list[ContactPerson],
    materials: list[dict],
    cases: list[dict],
    acting_user,
    form_token: str | None = None,
) -> Exchange:
    """Log an information exchange of ``officer`` with ``contacts`` (N3.1ア・イ); once per form token.

    ``values``: ``on`` (the day), ``kind`` (Exchange.Kind), optionally ``advice``, ``notes`` and ``koban`` (default:
    the officer's). ``materials``: dicts of ``kind`` (ExchangeMaterial.Kind), ``item`` (a SafetyInfo for
    ``safety_info``) and ``title``. ``cases``: dicts of ``category``, ``content`` and ``contact`` (who raised it;
    may be omitted when one person was met); each becomes a case of the station (N3.1ウ), linked to the exchange.
    The officer's section is stored as it is on the day; each contact's ``last_exchange_on`` moves forward only.
    """
    claim = once.claim(form_token, acting_user)
    on = values.get("on")
    if on is None:
        raise ValidationError({"on": _("日付を入力してください。")})
    require_office_date(on, field="on")
    if on > today_tokyo():
        raise ValidationError({"on": _("未来の日付は入力できません。")})
    if values.get("kind") not in Exchange.Kind.values:
        raise ValidationError({"kind": _("方法を選んでください。")})
    if officer.station_id != station.pk:
        raise ValidationError(_("%(station)sの警察官の情報交換だけを記録できます。") % {"station": station.name})
    koban = values["koban"] if "koban" in values else officer.koban
    if koban is not None and koban.station_id != station.pk:
        raise ValidationError(_("%(station)sの交番・駐在所から選んでください。") % {"station": station.name})
    met = list({c.pk: c for c in contacts}.values())
    if not met:
        raise ValidationError({"contacts": _("情報交換した連絡員を選んでください。")})
    for contact in met:
        if contact.station_id != station.pk:
            raise ValidationError(
                {"contacts": _("%(station)sの連絡員から選んでください。") % {"station": station.name}}
            )
        if contact.consent not in ContactPerson.ACTIVE:
            # Declining and withdrawing are the person's decision (N4.2): nothing is logged against them afterwards.
            raise ValidationError(
                {"contacts": _("%(person)sは辞退・辞任しているため選べません。") % {"person": contact.person}}
            )
    material_rows = _check_materials(station, on, materials)
    raised = []
    for opinion in cases:
        if not (opinion.get("content") or "").strip():
            continue
        if opinion.get("category") not in Case.Category.values:
            raise ValidationError(_("意見・要望の分類を選んでください。"))
        raised.append((opinion, _raiser(opinion.get("contact"), met)))

    exchange = Exchange.objects.create(
        station=station,
        koban=koban,
        on=on,
        officer=officer,
        section=officer.section,
        kind=values["kind"],
        advice=values.get("advice") or "",
        notes=values.get("notes") or "",
        created_by=acting_user,
    )
    exchange.contacts.set(met)
    tally.count_exchange(exchange)  # the chief's view reads the monthly tally (N4.4)
    for row in material_rows:
        row.exchange = exchange
    ExchangeMaterial.objects.bulk_create(material_rows)
    for opinion, raiser in raised:
        case = case_create(
            station=station,
            values={
                "received_on": on,
                "category": opinion["category"],
                "content": opinion["content"].strip(),
                "raised_by_kind": Case.RaisedBy.CONTACT_PERSON,
                "raised_by_person": raiser.person if raiser else None,
                "koban": koban,
            },
            acting_user=acting_user,
        )
        ExchangeCase.objects.create(exchange=exchange, case=case)
    # Only forwards: an exchange entered late, with an older date, must not make a person look less recently met.
    ContactPerson.objects.filter(pk__in=[c.pk for c in met]).filter(
        Q(last_exchange_on__isnull=True) | Q(last_exchange_on__lt=on)
    ).update(last_exchange_on=on)
    findings.refresh([c.pk for c in met])  # who is "not contacted for N days" changes with this exchange (N4.4)
    record(
        user=acting_user,
        action="network.exchange_create",
        summary=(
            f"情報交換を記録しました（{on.isoformat()} {japanese(exchange.get_kind_display)}、連絡員{len(met)}人、"
            f"意見・要望{len(raised)}件）"
        ),
        obj=exchange,
        detail={"contacts": [c.pk for c in met], "cases": len(raised)},
    )
    claim.done(exchange)
    return exchange
