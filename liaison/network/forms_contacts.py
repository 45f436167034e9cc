"""Forms of the contact persons' screens (N2, N4.2, N4.3): registering and editing one, a consent step, the list's
filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.lib import once
from liaison.lib.forms import Form, IdChoiceField, ModelForm, OfficeDateField
from liaison.lib.text import search_text
from liaison.lib.versioning import VersionedForm
from liaison.org.picker import OfficerPickerField
from liaison.people.forms import PersonForm
from liaison.people.picker import PersonPickerField

from . import rules
from .models import ContactPerson, ContactRole

# Rows of concurrent roles (N2.2) a screen offers: more than anyone holds at once, few enough to fill on a tablet.
ROLE_ROWS = 5

CONTACT_FORM_FIELDS = [
    "koban",
    "municipality",
    "district",
    "source",
    "source_detail",
    "officer",
    "contact_way",
    "wants_email",
    "notes",
]


class ContactForm(VersionedForm, ModelForm):
    """The particulars of a contact person and their concurrent roles (rows of kind + free text)."""

    officer = OfficerPickerField(label=_("担当警察官"), required=False)

    class Meta(ModelForm.Meta):
        model = ContactPerson
        fields = CONTACT_FORM_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "municipality": _("空欄のときは交番・駐在所の市区町村が入ります。"),
            "wants_email": _("チェックするときは、住民等の記録にメールアドレスが必要です。"),
        }

    def __init__(self, *args, kobans, officers, user, koban_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["koban"].queryset = kobans
        self.fields["koban"].required = koban_required
        self.fields["officer"].scope(officers, user)
        existing = list(self.instance.roles.all()) if self.instance.pk else []
        for i in range(ROLE_ROWS):
            role = existing[i] if i < len(existing) else None
            self.fields[f"role_kind_{i}"] = forms.ChoiceField(
                label=_("兼任の役割%(n)s") % {"n": i + 1},
                choices=[("", _("（なし）")), *ContactRole.Kind.choices],
                required=False,
                initial=role.kind if role else "",
            )
            self.fields[f"role_detail_{i}"] = forms.CharField(
                label=_("団体名・役職%(n)s") % {"n": i + 1},
                max_length=100,
                required=False,
                initial=role.detail if role else "",
            )

    def role_rows(self):
        """(kind field, detail field) pairs for the template."""
        return [(self[f"role_kind_{i}"], self[f"role_detail_{i}"]) for i in range(ROLE_ROWS)]

    def clean(self):
        data = super().clean()
        for i in range(ROLE_ROWS):
            if data.get(f"role_detail_{i}") and not data.get(f"role_kind_{i}"):
                self.add_error(f"role_kind_{i}", _("団体名・役職を入力したときは、兼任の役割を選んでください。"))
        koban = data.get("koban")
        if koban is not None and not data.get("municipality"):
            # N4.3: the area is recorded for every contact person; the koban's municipality is the likely one.
            data["municipality"] = koban.municipality
            if not data.get("district"):
                data["district"] = koban.area
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in CONTACT_FORM_FIELDS}

    def roles(self) -> list[tuple[str, str]]:
        rows = []
        for i in range(ROLE_ROWS):
            kind = self.cleaned_data.get(f"role_kind_{i}")
            if kind:
                rows.append((kind, self.cleaned_data.get(f"role_detail_{i}") or ""))
        return rows

    def conflict_fields(self) -> list[str]:
        return list(CONTACT_FORM_FIELDS)


class ContactCreateForm(once.OncePerFormMixin, ContactForm):
    """Registering a contact person: a recorded person picked by search (or a new one, see NewContactPersonForm)."""

    person = PersonPickerField(
        label=_("連絡員にする人（登録済み）"),
        required=False,
        help_text=_("登録のない人は、下の「新しく登録する人」に入力してください。連絡協議会の委員もここで選べます。"),
    )
    confirm_distinct = forms.BooleanField(label=_("似ている記録とは別人として登録する"), required=False)

    field_order = ["person", *CONTACT_FORM_FIELDS]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].scope(people, kwargs["user"])


class NewContactPersonForm(PersonForm):
    """The particulars of a person not yet recorded; the rest can be added on the person page."""

    postal_code = None  # the address is completed on the person page, where the postal-code lookup fills it

    class Meta(PersonForm.Meta):
        fields = [
            "family_name",
            "given_name",
            "family_kana",
            "given_kana",
            "birth_date",
            "gender",
            "organisation",
            "organisation_title",
            "phone",
            "email",
        ]

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class ConsentForm(Form):
    """One consent step (N4.2): only the steps the current state allows; consent needs its date and how it was given."""

    consent = forms.ChoiceField(label=_("承諾の状況"), widget=forms.RadioSelect)
    on = OfficeDateField(label=_("日付"))
    method = forms.ChoiceField(
        label=_("承諾の方法"),
        required=False,
        help_text=_("「承諾」を記録するときは必ず選んでください。"),
    )
    note = forms.CharField(label=_("備考"), max_length=200, required=False)

    def __init__(self, *args, contact: ContactPerson, **kwargs):
        super().__init__(*args, **kwargs)
        steps = rules.consent_steps(contact.consent)
        self.fields["consent"].choices = [(c, label) for c, label in ContactPerson.Consent.choices if c in steps]
        self.fields["method"].choices = [("", _("（選択）")), *ContactPerson.ConsentMethod.choices]

    def clean(self):
        data = super().clean()
        if data.get("consent") == ContactPerson.Consent.CONSENTED and not data.get("method"):
            self.add_error("method", _("承諾を記録するときは、承諾の方法を選んでください。"))
        return data


class ContactFilterForm(Form):
    """The contact-person list's filters (GET); unreadable values are ignored rather than refused."""

    ACTIVE = "active"

    q = forms.CharField(label=_("氏名・読み"), required=False, max_length=100)
    koban = IdChoiceField(label=_("交番・駐在所"), queryset=None, required=False)
    municipality = forms.CharField(label=_("市区町村"), required=False, max_length=40)
    district = forms.CharField(label=_("地区"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("兼任の役割"), required=False)
    consent = forms.ChoiceField(label=_("承諾の状況"), required=False)

    def __init__(self, *args, kobans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["koban"].queryset = kobans
        self.fields["role"].choices = [("", _("すべて")), *ContactRole.Kind.choices]
        # Declined and withdrawn people are shown only when asked for (N4.2): the default is who is active.
        self.fields["consent"].choices = [
            (self.ACTIVE, _("候補・依頼中・承諾")),
            ("all", _("すべて（辞退・辞任を含む）")),
            *ContactPerson.Consent.choices,
        ]

    def filters(self) -> dict:
        """The filters that were read correctly; a field with an odd value is left out."""
        if not self.is_bound:
            return {"consent": self.ACTIVE}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        found = {k: v for k, v in data.items() if v not in (None, "")}
        for name in ("q", "municipality", "district"):
            if name in found:
                found[name] = search_text(found[name])
                if not found[name]:
                    del found[name]
        found.setdefault("consent", self.ACTIVE)
        return found
