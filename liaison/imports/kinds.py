"""The three kinds of roster an import understands: their columns, how a row becomes the values of a manual entry
screen, which action records it, and the export in the same layout.

A row is checked with the forms of the manual screens (``PersonForm``, ``AppointmentForm``, ``ContactCreateForm``),
so an imported row is refused for the same reasons and with the same messages as a typed one. Each kind only says
how its cells become those forms' data; ``imports.actions`` runs the rows.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.access.permissions import Perm
from liaison.access.policy import can_change, for_work, has_perm, visible_to
from liaison.councils import actions as council_actions
from liaison.councils import rules as council_rules
from liaison.councils.forms import AppointmentForm
from liaison.councils.models import Council, Membership
from liaison.councils.queries import current_memberships
from liaison.lib.dates import today_tokyo
from liaison.lib.tabular import (
    Column,
    parse_choice_cell,
    parse_date_cell,
    parse_reading_cell,
    split_address,
    split_full_name,
)
from liaison.network.actions import contacts as contact_actions
from liaison.network.forms_contacts import ROLE_ROWS, ContactCreateForm
from liaison.network.models import ContactPerson, ContactRole
from liaison.org.models import Koban, Officer, Station
from liaison.people import actions as people_actions
from liaison.people.forms import PersonForm
from liaison.people.models import Person
from liaison.people.queries import current as current_people

# --- Columns ------------------------------------------------------------------------------------------------------

# The template writes the split form (姓・名, セイ・メイ, 都道府県…番地), which round-trips exactly; files made
# elsewhere often have one column for the name, its reading or the address, which are split on reading.
PERSON_COLUMNS = [
    Column("family_name", "姓", ("苗字", "氏"), help=gettext_lazy("漢字のまま（髙・﨑もそのまま）")),
    Column("given_name", "名", ("名前（名）",)),
    Column("full_name", "氏名", ("名前", "お名前", "氏名（漢字）"), help=gettext_lazy("姓と名の間に空白")),
    Column("family_kana", "セイ", ("せい", "姓カナ", "フリガナ（姓）", "ふりがな（姓）")),
    Column("given_kana", "メイ", ("めい", "名カナ", "フリガナ（名）", "ふりがな（名）")),
    Column("full_kana", "ふりがな", ("フリガナ", "カナ", "よみがな", "ヨミガナ", "読み", "氏名カナ")),
    Column("birth_date", "生年月日", ("誕生日",), help=gettext_lazy("例: 1965-05-20、昭和40年5月20日")),
    Column("gender", "性別", ()),
    Column("occupation", "職業", ()),
    Column("organisation", "所属団体", ("勤務先", "所属")),
    Column("organisation_title", "団体での役職", ("所属での役職",)),
    Column("postal_code", "郵便番号", ("〒", "郵便")),
    Column("address", "住所", ("現住所",)),
    Column("address_prefecture", "都道府県", ()),
    Column("address_city", "市区町村", ()),
    Column("address_town", "町域", ("町名", "町・字")),
    Column("address_rest", "番地", ("番地・建物", "丁目・番地", "番地等")),
    Column("phone", "電話番号", ("電話", "TEL", "連絡先", "電話番号（自宅）")),
    Column("email", "メールアドレス", ("メール", "E-mail", "Eメール")),
    Column("notes", "備考", ()),
]
TEMPLATE_PERSON_KEYS = [c.key for c in PERSON_COLUMNS if c.key not in ("full_name", "full_kana", "address")]

MEMBER_COLUMNS = [
    Column("council", "連絡協議会", ("協議会", "協議会名", "連絡協議会名"), required=True),
    Column("post", "役職", ("協議会での役職",), help=gettext_lazy("会長・副会長・その他・委員（空欄は委員）")),
    Column("post_title", "役職名", ("その他の役職名",), help=gettext_lazy("役職が「その他」のときの名称")),
    Column("leader_category", "リーダー区分", ("コミュニティ・リーダーの区分",), help=gettext_lazy("ア〜エまたは空欄")),
    Column("start_date", "任期の始期", ("任期開始", "委嘱日", "始期"), required=True),
    Column("end_date", "任期の終期", ("任期終了", "終期"), help=gettext_lazy("空欄なら県の定める任期")),
    Column("letter_number", "委嘱状の番号", ("委嘱状番号",)),
    Column("public_office", "公職", ("公職名",), help=gettext_lazy("公職にある人は委嘱できません（要綱第6-4-(1)）")),
]

CONTACT_COLUMNS = [
    Column("koban", "交番・駐在所", ("交番", "駐在所", "受持区")),
    Column("municipality", "活動地域の市区町村", ()),
    Column("district", "地区", ("地域", "活動地区")),
    Column("roles", "兼任の役割", ("役割",), help=gettext_lazy("例: 自治会長:○○町内会、少年警察補導員")),
    Column("source", "依頼の経緯", (), help=gettext_lazy("空欄は「その他」")),
    Column("source_detail", "団体名・経緯の詳細", ("団体名",)),
    Column("consent", "承諾の状況", ("状況",), help=gettext_lazy("候補・依頼中・承諾・辞退・辞任（空欄は候補）")),
    Column("consent_on", "状況の日付", (), help=gettext_lazy("辞任のときは辞任した日（必須）")),
    Column("consented_on", "承諾日", (), help=gettext_lazy("辞任した人が承諾した日")),
    Column("consent_method", "承諾の方法", ()),
    Column("officer", "担当警察官", ("担当者",)),
    Column("contact_way", "希望する連絡方法", ("連絡方法",)),
    Column("wants_email", "メールでの情報提供", ("メール希望",), help=gettext_lazy("希望するときは「希望」")),
]

_GENDERS = [*Person.Gender.choices, ("female", "女"), ("male", "男")]
_POSTS = [*Membership.Post.choices, ("other", "その他")]
_LEADERS = [
    *Membership.LeaderCategory.choices,
    *((v, letter) for v, letter in (("a", "ア"), ("i", "イ"), ("u", "ウ"), ("e", "エ"))),
    *((v, f"({letter})") for v, letter in (("a", "ア"), ("i", "イ"), ("u", "ウ"), ("e", "エ"))),
]
_CONSENTS = ContactPerson.Consent.choices
# Kept on the consent step of a withdrawn person whose file gives no consent date: the step had to be recorded
# (辞任 follows 承諾 only) and this says why its date is the withdrawal's.
UNDATED_CONSENT_NOTE = "取り込んだファイルに承諾日がないため、辞任の日付で記録"
_METHODS = [*ContactPerson.ConsentMethod.choices, ("in_person", "面談"), ("phone", "電話"), ("document", "文書")]
_YES = {"希望", "希望する", "する", "はい", "有", "あり", "○", "〇", "◯", "1", "yes", "true"}
_NO = {"", "希望しない", "しない", "いいえ", "無", "なし", "×", "-", "0", "no", "false"}


def _plain(text: str) -> str:
    """For comparing names typed in a file with stored ones: NFKC (half-width forms), no spaces, case-folded.
    Only to look up councils, kobans and officers: stored names are never rewritten (DESIGN: never NFKC a name)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


# --- Rows ---------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row of the file on its way to the action: the cells by column key, what is wrong, what to record."""

    number: int
    cells: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column key or "", message)
    person: dict | None = None  # PersonForm values of a new person
    values: dict = field(default_factory=dict)  # the kind's own values for its action
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (person id, label) of likely duplicates
    link: Person | None = None  # the recorded person chosen instead of creating one
    same_as: int | None = None  # the number of an earlier row of the file with the same new person
    recorded: Person | None = None  # the person the row's action recorded or used (for the rows ``same_as`` it)

    def error(self, key: str, message) -> None:
        self.errors.append((key, str(message)))

    @property
    def label(self) -> str:
        if self.person:
            return f"{self.person.get('family_name') or ''} {self.person.get('given_name') or ''}".strip()
        return self.cells.get("full_name") or " ".join(
            x for x in (self.cells.get("family_name"), self.cells.get("given_name")) if x
        )


@dataclass
class Context:
    """What every row of one import shares: the station, who imports, and look-ups loaded once."""

    station: Station
    user: object
    lookups: dict = field(default_factory=dict)

    def lookup(self, name: str, load: Callable[[], dict]) -> dict:
        if name not in self.lookups:
            self.lookups[name] = load()
        return self.lookups[name]


# Which column's cell fed each field of a form or an action, so an error is shown under the column the user typed.
_FED_BY = {
    "family_name": ("full_name", "family_name"),
    "given_name": ("full_name", "given_name"),
    "family_kana": ("full_kana", "family_kana"),
    "given_kana": ("full_kana", "given_kana"),
    "address_prefecture": ("address", "address_prefecture"),
    "address_city": ("address", "address_city"),
    "address_town": ("address", "address_town"),
    "address_rest": ("address", "address_rest"),
    "on": ("consent_on",),
    "consented_on": ("consented_on",),
    "method": ("consent_method",),
}


def column_of(field_name: str, cells: dict) -> str:
    """The column key the value of ``field_name`` came from ("" when the field is not a column)."""
    for key in _FED_BY.get(field_name, (field_name,)):
        if key in cells:
            return key
    return _FED_BY.get(field_name, (field_name,))[-1]


def add_validation_error(row: Row, error: ValidationError, keys: dict[str, str] | None = None) -> None:
    """Put an error of a form or an action under the column its field came from (``keys`` renames fields)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            key = "" if name == "__all__" else column_of((keys or {}).get(name, name), row.cells)
            for message in ValidationError(errors).messages:
                row.error(key, message)
    else:
        for message in error.messages:
            row.error("", message)


def _date(row: Row, key: str) -> datetime.date | None:
    try:
        return parse_date_cell(row.cells.get(key, ""))
    except ValueError as error:
        row.error(key, error)
        return None


def _choice(row: Row, key: str, choices, default: str = "") -> str:
    text = row.cells.get(key, "")
    if not text.strip():
        return default
    try:
        return parse_choice_cell(text, list(choices))
    except ValueError as error:
        row.error(key, error)
        return default


def _form_errors(row: Row, form, keys: dict[str, str] | None = None) -> None:
    for name, messages in form.errors.items():
        key = "" if name == "__all__" else column_of((keys or {}).get(name, name), row.cells)
        for message in messages:
            row.error(key, message)


def same_person(earlier: dict, later: dict) -> bool:
    """Whether two rows of one file describe the same new person: the same names and readings as typed, and birth
    dates that do not contradict each other (equal, or missing on one row). Names are compared as given, never
    normalised (DESIGN: never NFKC a name), so 髙橋 and 高橋 stay two people."""
    names = ("family_name", "given_name", "family_kana", "given_kana")
    if any((earlier.get(k) or "") != (later.get(k) or "") for k in names):
        return False
    born, born_later = earlier.get("birth_date"), later.get("birth_date")
    return born is None or born_later is None or born == born_later


def _reading_in_kanji(text: str) -> ValueError | None:
    """The reading rule's own error when ``text`` is not kana at all (then that, not a missing space, is wrong)."""
    try:
        parse_reading_cell(text)
    except ValueError as error:
        return error
    return None


def prepare_person(row: Row) -> None:
    """The person fields of a row through the people app's own form; ``row.person`` when they are valid."""
    cells = row.cells
    data = {name: cells[name] for name in people_actions.PERSON_FIELDS if name in cells}
    if cells.get("full_name", "").strip() and not (cells.get("family_name") or cells.get("given_name")):
        try:
            data["family_name"], data["given_name"] = split_full_name(cells["full_name"])
        except ValueError as error:
            row.error("full_name", error)
    if cells.get("full_kana", "").strip() and not (cells.get("family_kana") or cells.get("given_kana")):
        try:
            data["family_kana"], data["given_kana"] = split_full_name(cells["full_kana"])
        except ValueError as split_error:
            row.error("full_kana", _reading_in_kanji(cells["full_kana"]) or split_error)
    for name in ("family_kana", "given_kana"):
        if data.get(name, "").strip():
            try:
                data[name] = parse_reading_cell(data[name])
            except ValueError as error:
                row.error(column_of(name, cells), error)
                data.pop(name)
    if "birth_date" in cells:
        birth = _date(row, "birth_date")
        data["birth_date"] = birth.isoformat() if birth else ""
    if "gender" in cells:
        data["gender"] = _choice(row, "gender", _GENDERS)
    if cells.get("address", "").strip() and not any(
        cells.get(k) for k in ("address_prefecture", "address_city", "address_town", "address_rest")
    ):
        prefecture, city, town, rest = split_address(cells["address"])
        data.update(address_prefecture=prefecture, address_city=city, address_town=town, address_rest=rest)
    form = PersonForm(data=data)
    if form.is_valid():
        if not row.errors:
            row.person = form.values()
    else:
        # A cell already refused above (an impossible date, a reading in kanji) is not refused twice.
        refused = {key for key, _message in row.errors}
        for name, messages in form.errors.items():
            key = column_of(name, cells)
            if key not in refused:
                for message in messages:
                    row.error(key, message)


# --- The kinds ----------------------------------------------------------------------------------------------------


class ImportKind:
    """One kind of roster. ``prepare`` turns a row into checked values; ``apply`` records it through the actions."""

    code = ""
    label = ""
    title = ""  # the template's and export's file title
    columns: list[Column] = []
    permissions: tuple[Perm, ...] = ()
    # Shown on a row whose person is an earlier row's new person (``Row.same_as``).
    repeat_note = gettext_lazy("%(n)s行目と同じ人として登録します")

    def may_import(self, user) -> bool:
        return all(has_perm(user, p) for p in self.permissions)

    def all_columns(self) -> list[Column]:
        return [*self.columns, *PERSON_COLUMNS]

    def template_columns(self) -> list[Column]:
        keep = set(TEMPLATE_PERSON_KEYS)
        return [*self.columns, *(c for c in PERSON_COLUMNS if c.key in keep)]

    def prepare(self, row: Row, ctx: Context) -> None:
        prepare_person(row)

    def apply(self, row: Row, ctx: Context, counts: dict) -> int | None:
        raise NotImplementedError

    def export_rows(self, station: Station, user) -> list[list[str]]:
        raise NotImplementedError


def _count(counts: dict, key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def person_cells(person: Person) -> list[str]:
    """A person's template cells, in ``TEMPLATE_PERSON_KEYS`` order, as the import reads them back."""
    out = []
    for key in TEMPLATE_PERSON_KEYS:
        value = getattr(person, key)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif key == "gender":
            value = dict(_GENDERS).get(value, "") if value else ""
        out.append("" if value is None else str(value))
    return out


class PeopleKind(ImportKind):
    code = "people"
    label = gettext_lazy("住民等")
    title = "住民等"
    columns: list[Column] = []
    permissions = (Perm.MANAGE_PEOPLE,)
    repeat_note = gettext_lazy("%(n)s行目と同じ人の繰り返しのため、登録しません")

    def apply(self, row, ctx, counts):
        if row.same_as is not None:
            _count(counts, "repeated")  # the earlier row records the person
            return None
        if row.link is not None:
            row.recorded = row.link
            _count(counts, "linked")  # already recorded: nothing to create
            return None
        row.recorded = people_actions.person_create(data=row.person, station=ctx.station, acting_user=ctx.user)
        _count(counts, "created")
        return row.recorded.pk

    def export_rows(self, station, user):
        people = current_people(visible_to(user, Person)).filter(station=station).order_by("sort_key", "pk")
        return [person_cells(p) for p in people]


_POST_LABEL = {"chair": "会長", "vice_chair": "副会長", "other": "その他", "member": "委員"}
_LEADER_LETTER = {"a": "ア", "i": "イ", "u": "ウ", "e": "エ"}


class MembersKind(ImportKind):
    code = "members"
    label = gettext_lazy("連絡協議会の委員")
    title = "連絡協議会の委員"
    columns = MEMBER_COLUMNS
    permissions = (Perm.APPOINT_MEMBERS, Perm.MANAGE_PEOPLE)

    def _councils(self, ctx):
        councils = Council.objects.filter(station=ctx.station, status=Council.Status.ACTIVE).prefetch_related("kobans")
        found: dict[str, list[Council]] = {}
        for council in councils:
            found.setdefault(_plain(council.name), []).append(council)
        return found

    def prepare(self, row, ctx):
        prepare_person(row)
        cells = row.cells
        name = cells.get("council", "")
        council = None
        if not name.strip():
            row.error("council", _("連絡協議会の名称を入力してください。"))
        else:
            matches = ctx.lookup("councils", lambda: self._councils(ctx)).get(_plain(name), [])
            if not matches:
                row.error(
                    "council",
                    _("「%(name)s」という連絡協議会は%(station)sにありません。")
                    % {"name": name, "station": ctx.station.name},
                )
            elif not can_change(ctx.user, matches[0], Perm.APPOINT_MEMBERS):
                row.error("council", _("この連絡協議会の委員を委嘱することはできません（受持ちの協議会のみ）。"))
            else:
                council = matches[0]
        start = _date(row, "start_date")
        end = _date(row, "end_date")
        data = {
            "start_date": start.isoformat() if start else "",
            "post": _choice(row, "post", _POSTS, default=Membership.Post.MEMBER),
            "post_title": cells.get("post_title", ""),
            "leader_category": _choice(row, "leader_category", _LEADERS),
            "letter_number": cells.get("letter_number", ""),
        }
        refused = {key for key, _message in row.errors}
        form = AppointmentForm(data=data, people_queryset=Person.objects.none(), user=ctx.user)
        if not form.is_valid():
            for name_, messages in form.errors.items():
                if name_ not in refused:
                    for message in messages:
                        row.error("" if name_ == "__all__" else name_, message)
        office = cells.get("public_office", "").strip()
        if office and office not in _NO:
            refusal = council_rules.appointment_refusal(person_name=row.label, public_office=office)
            row.error("public_office", refusal.message)
        if not row.errors:
            term = {k: form.cleaned_data[k] for k in ("start_date", "post", "post_title", "leader_category")}
            term["letter_number"] = form.cleaned_data["letter_number"]
            if end is not None:
                term["end_date"] = end
            row.values = {"council": council, "term": term}

    def apply(self, row, ctx, counts):
        council, term = row.values["council"], row.values["term"]
        if row.link is not None:
            membership = council_actions.membership_appoint(
                council=council, person=row.link, acting_user=ctx.user, **term
            )
            _count(counts, "repeated" if row.same_as is not None else "linked")
        else:
            membership = council_actions.person_record_and_appoint(
                person_data=row.person, council=council, acting_user=ctx.user, **term
            )
            _count(counts, "created")
        _count(counts, "appointed")
        row.recorded = membership.person
        return membership.pk

    def export_rows(self, station, user):
        today = today_tokyo()
        memberships = (
            visible_to(user, Membership)
            .filter(current_memberships(today), council__station=station, council__status=Council.Status.ACTIVE)
            .select_related("council", "person")
            .order_by("council__name", "start_date", "pk")
        )
        return [
            [
                m.council.name,
                _POST_LABEL.get(m.post, ""),
                m.post_title,
                _LEADER_LETTER.get(m.leader_category, ""),
                m.start_date.isoformat(),
                m.end_date.isoformat(),
                m.letter_number,
                "",
                *person_cells(m.person),
            ]
            for m in memberships
        ]


_WAY_LABEL = dict(ContactPerson.ContactWay.choices)
_ROLE_SEPARATORS = str.maketrans({"、": ";", ",": ";", "，": ";", "；": ";", "\n": ";"})


class ContactsKind(ImportKind):
    code = "contacts"
    label = gettext_lazy("地域安全連絡員")
    title = "地域安全連絡員"
    columns = CONTACT_COLUMNS
    permissions = (Perm.MANAGE_CONTACTS, Perm.MANAGE_PEOPLE)

    def _kobans(self, ctx):
        kobans = for_work(ctx.user, Koban).filter(station=ctx.station, active=True)
        return kobans, {_plain(k.name): k for k in kobans}

    def _officers(self, ctx):
        officers = Officer.objects.filter(station=ctx.station, active=True)
        found: dict[str, list[Officer]] = {}
        for officer in officers:
            found.setdefault(_plain(officer.full_name), []).append(officer)
        return officers, found

    def _roles(self, row) -> list[tuple[str, str]]:
        text = row.cells.get("roles", "").translate(_ROLE_SEPARATORS)
        roles = []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            kind, _sep, detail = part.replace("：", ":").partition(":")
            try:
                roles.append((parse_choice_cell(kind, list(ContactRole.Kind.choices)), detail.strip()))
            except ValueError as error:
                row.error("roles", error)
        if len(roles) > ROLE_ROWS:
            row.error("roles", _("兼任の役割は%(n)s件までです。") % {"n": ROLE_ROWS})
        return roles[:ROLE_ROWS]

    def prepare(self, row, ctx):
        prepare_person(row)
        cells = row.cells
        kobans, by_name = ctx.lookup("kobans", lambda: self._kobans(ctx))
        officers, officer_names = ctx.lookup("officers", lambda: self._officers(ctx))
        data = {
            "municipality": cells.get("municipality", ""),
            "district": cells.get("district", ""),
            "source": _choice(row, "source", ContactPerson.Source.choices, default=ContactPerson.Source.OTHER),
            "source_detail": cells.get("source_detail", ""),
            "contact_way": _choice(
                row, "contact_way", ContactPerson.ContactWay.choices, default=ContactPerson.ContactWay.VISIT
            ),
        }
        koban_name = cells.get("koban", "").strip()
        if koban_name:
            koban = by_name.get(_plain(koban_name))
            if koban is None:
                row.error("koban", _("「%(name)s」は選べる交番・駐在所にありません。") % {"name": koban_name})
            else:
                data["koban"] = str(koban.pk)
        officer_name = cells.get("officer", "").strip()
        if officer_name:
            matches = officer_names.get(_plain(officer_name), [])
            if len(matches) != 1:
                row.error(
                    "officer",
                    _("担当警察官「%(name)s」が%(station)sに見つかりません（同姓同名がいるときは空欄にしてください）。")
                    % {"name": officer_name, "station": ctx.station.name},
                )
            else:
                data["officer"] = str(matches[0].pk)
        wish = _plain(cells.get("wants_email", ""))
        if wish in _YES:
            data["wants_email"] = "on"
        elif wish not in _NO:
            row.error("wants_email", _("「希望」または空欄にしてください。"))
        for i, (kind, detail) in enumerate(self._roles(row)):
            data[f"role_kind_{i}"], data[f"role_detail_{i}"] = kind, detail
        form = ContactCreateForm(
            data=data,
            kobans=kobans,
            officers=officers,
            people=Person.objects.none(),
            user=ctx.user,
            koban_required=has_perm(ctx.user, Perm.KOBAN_ONLY),
        )
        if not form.is_valid():
            _form_errors(row, form)
        consent = _choice(row, "consent", _CONSENTS, default=ContactPerson.Consent.CANDIDATE)
        on = _date(row, "consent_on")
        consented_on = _date(row, "consented_on")
        method = _choice(row, "consent_method", _METHODS)
        if consent == ContactPerson.Consent.WITHDRAWN:
            # 辞任 follows 承諾 (network.rules): both steps are recorded, 辞任 on the date of the state.
            if on is None and "consent_on" not in {key for key, _message in row.errors}:
                row.error("consent_on", _("辞任の行には、辞任した日を「状況の日付」に入力してください。"))
            elif on is not None and consented_on is not None and consented_on > on:
                row.error("consented_on", _("承諾日が辞任した日より後になっています。"))
        else:
            on = on or consented_on  # a file whose only date column is 承諾日
        if row.person and data.get("wants_email") and not (row.person.get("email") or "").strip():
            row.error("wants_email", contact_actions.EMAIL_REQUIRED)
        if not row.errors:
            row.values = {
                "values": form.values(),
                "roles": form.roles(),
                "consent": consent,
                "on": on,
                "consented_on": consented_on,
                "method": method,
            }

    def apply(self, row, ctx, counts):
        v = row.values
        first_day = v["on"] if v["consent"] == ContactPerson.Consent.CANDIDATE else None
        if row.link is not None:
            contact = contact_actions.contact_create(
                station=ctx.station,
                person=row.link,
                values=v["values"],
                roles=v["roles"],
                on=first_day,
                acting_user=ctx.user,
            )
            _count(counts, "repeated" if row.same_as is not None else "linked")
        else:
            contact = contact_actions.person_record_and_register(
                person_data=row.person, station=ctx.station, values=v["values"], roles=v["roles"], acting_user=ctx.user
            )
            _count(counts, "created")
        row.recorded = contact.person
        if v["consent"] == ContactPerson.Consent.WITHDRAWN:
            contact = self._consent_step(contact, v, ctx)
            contact = contact_actions.consent_change(
                contact=contact, consent=v["consent"], on=v["on"], acting_user=ctx.user
            )
        elif v["consent"] != ContactPerson.Consent.CANDIDATE:
            contact = contact_actions.consent_change(
                contact=contact, consent=v["consent"], on=v["on"], method=v["method"], acting_user=ctx.user
            )
        _count(counts, "registered")
        return contact.pk

    def _consent_step(self, contact, v, ctx):
        """The 承諾 before a 辞任: on the consent date when the file gives it, else on the withdrawal's, saying so."""
        consented_on = v["consented_on"]
        try:
            return contact_actions.consent_change(
                contact=contact,
                consent=ContactPerson.Consent.CONSENTED,
                on=consented_on or v["on"],
                method=v["method"],
                note="" if consented_on else UNDATED_CONSENT_NOTE,
                acting_user=ctx.user,
            )
        except ValidationError as error:
            if consented_on and hasattr(error, "error_dict") and "on" in error.error_dict:
                error.error_dict["consented_on"] = error.error_dict.pop("on")
            raise

    def export_rows(self, station, user):
        contacts = (
            visible_to(user, ContactPerson)
            .filter(station=station)
            .select_related("person", "koban", "officer")
            .prefetch_related("roles", "consent_history")
            .order_by("person__sort_key", "pk")
        )
        rows = []
        for c in contacts:
            # The date of the current state: the consent date, or the day of the latest step into it (依頼中, 辞退,
            # 辞任), which the import needs to record that state again; a withdrawn person's consent date besides.
            if c.consent == ContactPerson.Consent.CONSENTED:
                day = c.consent_on
            else:
                steps = [h for h in c.consent_history.all() if h.consent == c.consent]
                day = max(steps, key=lambda h: h.pk).on if steps else None
            consented = (
                c.consent_on
                if c.consent in (ContactPerson.Consent.CONSENTED, ContactPerson.Consent.WITHDRAWN)
                else None
            )
            roles = "、".join(
                f"{r.get_kind_display()}:{r.detail}" if r.detail else str(r.get_kind_display()) for r in c.roles.all()
            )
            rows.append(
                [
                    c.koban.name if c.koban else "",
                    c.municipality,
                    c.district,
                    roles,
                    str(c.get_source_display()),
                    c.source_detail,
                    str(c.get_consent_display()),
                    day.isoformat() if day else "",
                    consented.isoformat() if consented else "",
                    str(c.get_consent_method_display()) if c.consent_method else "",
                    c.officer.full_name if c.officer else "",
                    str(_WAY_LABEL.get(c.contact_way, "")),
                    "希望" if c.wants_email else "",
                    *person_cells(c.person),
                ]
            )
        return rows


KINDS: dict[str, ImportKind] = {k.code: k for k in (MembersKind(), ContactsKind(), PeopleKind())}


def get(code: str) -> ImportKind:
    """The kind named ``code``; LookupError for anything else."""
    try:
        return KINDS[code]
    except KeyError:
        raise LookupError(code) from None
