"""Forms of referrals: telling 地域課 of a candidate, accepting (which person record, the contact's particulars) and
declining with a reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.access.permissions import Perm
from liaison.access.policy import has_perm, visible_to
from liaison.lib import once
from liaison.lib.forms import BirthDateField, Form, IdChoiceField, ModelForm, OfficeDateField
from liaison.people.models import Person
from liaison.people.picker import PersonPickerField, describe
from liaison.people.queries import current as current_people

from .models import ContactPerson, Referral

NEW_PERSON = "new"


def _people(user):
    return current_people(visible_to(user, Person)).order_by("sort_key", "pk")


class ReferralForm(once.OncePerFormMixin, ModelForm):
    """Who (an existing person picked, or the particulars typed), why, where they met, the date (N2.3)."""

    referred_on = OfficeDateField(label=_("連絡日"))
    person = PersonPickerField(
        label=_("登録済みの住民等から選ぶ"),
        required=False,
        help_text=_("登録されていない人のときは、下に氏名などを入力してください。"),
    )
    # Typed with hyphens or full-width digits; the action stores the digits.
    phone = forms.CharField(
        label=_("電話番号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    class Meta(ModelForm.Meta):
        model = Referral
        fields = [
            "referred_on",
            "person",
            "family_name",
            "given_name",
            "family_kana",
            "given_kana",
            "phone",
            "address",
            "organisation",
            "reason",
            "met_at",
            "met_detail",
        ]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"met_detail": _("例: ○○地区防犯キャンペーン、○○自治会の総会")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only those who may see people search them; the others type the particulars of the person they met.
        if has_perm(user, Perm.VIEW_PEOPLE):
            self.fields["person"].scope(_people(user), user)
        else:
            del self.fields["person"]

    def clean(self):
        data = super().clean()
        if not data.get("person") and not ((data.get("family_name") or "").strip() and (data.get("given_name") or "")):
            self.add_error(None, _("登録済みの住民等を選ぶか、候補者の姓と名を入力してください。"))
        return data

    def _post_clean(self):
        # The action validates and stores: the model's own checks (the phone's length as typed) are not wanted here.
        pass

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("person", None)
        return data


class AcceptForm(Form):
    """Which person record the candidate is (when the referral was typed) and the contact person's particulars."""

    person_choice = forms.ChoiceField(label=_("登録済みの住民等"), widget=forms.RadioSelect, required=False)
    other_person = PersonPickerField(label=_("ほかの登録済みの住民等を探して選ぶ"), required=False)
    family_name = forms.CharField(
        label=_("姓"),
        max_length=30,
        required=False,
        help_text=_("ここから下の氏名などは「新しい住民等として登録する」を選んだときに使います。"),
    )
    given_name = forms.CharField(label=_("名"), max_length=30, required=False)
    family_kana = forms.CharField(label=_("セイ"), max_length=60, required=False)
    given_kana = forms.CharField(label=_("メイ"), max_length=60, required=False)
    birth_date = BirthDateField(label=_("生年月日"), required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=20, required=False)
    address = forms.CharField(label=_("住所"), max_length=100, required=False)
    koban = IdChoiceField(label=_("交番・駐在所の受持区"), queryset=None, required=False)
    municipality = forms.CharField(label=_("市区町村"), max_length=40, required=False)
    district = forms.CharField(label=_("地区"), max_length=100, required=False)
    source = forms.ChoiceField(label=_("依頼の経緯"), choices=ContactPerson.Source.choices)
    source_detail = forms.CharField(label=_("団体名・経緯の詳細"), max_length=200, required=False)

    PERSON_FIELDS = ("person_choice", "other_person", "family_name", "given_name", "family_kana", "given_kana")
    NEW_FIELDS = ("family_name", "given_name", "family_kana", "given_kana", "birth_date", "phone", "address")

    def __init__(self, *args, referral: Referral, matches: list[Person], kobans, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields["koban"].queryset = kobans
        if referral.person_id is not None:
            for name in (*self.PERSON_FIELDS, *self.NEW_FIELDS):
                del self.fields[name]
            return
        self.matches = {p.pk: p for p in matches}
        choices = [
            (str(c.value), " ".join([c.label, *c.details])) for c in describe(user, matches)
        ]  # what tells namesakes apart
        self.fields["person_choice"].choices = [*choices, (NEW_PERSON, _("新しい住民等として登録する"))]
        self.fields["other_person"].scope(_people(user), user)

    def clean(self):
        data = super().clean()
        if self.referral.person_id is not None:
            return data
        choice = data.get("person_choice")
        if data.get("other_person"):
            data["person"] = data["other_person"]
        elif choice and choice != NEW_PERSON:
            data["person"] = self.matches[int(choice)]
        elif choice == NEW_PERSON:
            data["person"] = None
            for name in ("family_name", "given_name", "family_kana", "given_kana"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("新しく登録するときは入力してください。"))
        else:
            self.add_error(
                "person_choice", _("登録済みの住民等を選ぶか、「新しい住民等として登録する」を選んでください。")
            )
        return data

    def person(self) -> Person | None:
        return self.cleaned_data.get("person")

    def new_person(self) -> dict | None:
        """The new person record's data (the address as typed goes to 番地・建物: the referral keeps it in one line)."""
        if self.referral.person_id is not None or self.cleaned_data.get("person") is not None:
            return None
        data = {name: self.cleaned_data.get(name) for name in self.NEW_FIELDS if name != "address"}
        data["address_rest"] = self.cleaned_data.get("address") or ""
        data["phone"] = data.get("phone") or ""
        return data

    def contact_values(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("koban", "municipality", "district", "source", "source_detail")
        }


class DeclineForm(Form):
    reason = forms.CharField(
        label=_("見送りの理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("連絡した職員に表示されます。"),
    )
