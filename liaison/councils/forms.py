from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.lib import once
from liaison.lib.forms import Form, IdMultipleChoiceField, ModelForm, OfficeDateField
from liaison.lib.versioning import VersionedForm
from liaison.people.forms import PersonForm
from liaison.people.picker import PersonPickerField

from .models import Council, CouncilReview, Membership


class CouncilForm(once.OncePerFormMixin, VersionedForm, ModelForm):
    established_on = OfficeDateField(label=_("設置日"))
    kobans = IdMultipleChoiceField(label=_("対象の交番・駐在所"), queryset=None, widget=forms.CheckboxSelectMultiple)

    class Meta(ModelForm.Meta):
        model = Council
        fields = ["name", "kind", "occupational_kind", "coverage", "area_description", "reason", "established_on"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, kobans_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kobans"].queryset = kobans_queryset
        self.fields["occupational_kind"].choices = [
            ("", _("（職種等連絡協議会のとき選択）")),
            *Council.OccupationalKind.choices,
        ]
        if self.instance.pk:
            self.fields["kobans"].initial = list(self.instance.kobans.values_list("pk", flat=True))


class NewPersonForm(PersonForm):
    """The few particulars needed to appoint someone not yet recorded; the rest can be added on the person page."""

    postal_code = None  # the address is added on the person page, where the postal-code lookup fills it

    class Meta(PersonForm.Meta):
        fields = [
            "family_name",
            "given_name",
            "family_kana",
            "given_kana",
            "birth_date",
            "gender",
            "occupation",
            "organisation",
            "organisation_title",
            "phone",
        ]

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class AppointmentForm(once.OncePerFormMixin, Form):
    person = PersonPickerField(
        label=_("委員にする人（登録済み）"),
        required=False,
        help_text=_("登録のない人は、下の「新しく登録して委嘱する」に入力してください。"),
    )
    start_date = OfficeDateField(label=_("任期の始期"))
    post = forms.ChoiceField(label=_("協議会での役職"), choices=Membership.Post.choices, initial=Membership.Post.MEMBER)
    post_title = forms.CharField(label=_("協議会での役職名（その他の役職のとき）"), required=False, max_length=30)
    leader_category = forms.ChoiceField(
        label=_("コミュニティ・リーダーの区分"),
        choices=[("", _("該当しない")), *Membership.LeaderCategory.choices],
        required=False,
    )
    letter_number = forms.CharField(label=_("委嘱状の番号"), required=False, max_length=30)
    confirm_distinct = forms.BooleanField(label=_("似ている記録とは別人として登録する"), required=False)

    def __init__(self, *args, people_queryset, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].scope(people_queryset, user)


class EndMembershipForm(Form):
    ended_on = OfficeDateField(label=_("終了日"))
    reason = forms.ChoiceField(label=_("終了の理由"), choices=Membership.EndReason.choices)
    note = forms.CharField(label=_("備考"), required=False, max_length=200)


class ReappointForm(Form):
    start_date = OfficeDateField(label=_("新しい任期の始期"), required=False, help_text=_("空欄なら前の任期の翌日から"))
    term_years = forms.IntegerField(label=_("任期（年）"), required=False, min_value=1, max_value=4)
    consent_date = OfficeDateField(
        label=_("任期変更の承諾日"),
        required=False,
        help_text=_("任期を原則と変えるときは、委員本人の承諾を得た日を入力"),
    )
    consent_note = forms.CharField(label=_("承諾の記録"), required=False, max_length=200)


class SuccessorForm(Form):
    person = PersonPickerField(label=_("後任の委員"))
    start_date = OfficeDateField(label=_("委嘱日"))
    leader_category = forms.ChoiceField(
        label=_("コミュニティ・リーダーの区分"),
        choices=[("", _("該当しない")), *Membership.LeaderCategory.choices],
        required=False,
    )

    def __init__(self, *args, people_queryset, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].scope(people_queryset, user)


class ReviewForm(Form):
    kind = forms.ChoiceField(label=_("見直しの種別"), choices=CouncilReview.Kind.choices, widget=forms.RadioSelect)
    explained_on = OfficeDateField(label=_("委員に趣旨を説明した日"), required=False)
    effective_date = OfficeDateField(label=_("実施日"))
    others = IdMultipleChoiceField(
        label=_("一緒に統合する協議会（統合のとき）"),
        queryset=Council.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_names = forms.CharField(
        label=_("見直し後の協議会の名称（1行に1つ。廃止のときは空欄）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label=_("趣旨・備考"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    ASSIGN_CHOICES = [
        ("0", _("見直し後の1番目の協議会")),
        ("1", _("見直し後の2番目の協議会")),
        ("2", _("見直し後の3番目の協議会")),
        ("", _("引き継がない（委嘱を終了）")),
    ]

    def __init__(self, *args, other_councils, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["others"].queryset = other_councils
        self.members = list(members)
        for m in self.members:
            self.fields[f"assign_{m.pk}"] = forms.ChoiceField(
                label=gettext("%(name)sさんの引継ぎ先") % {"name": m.person.full_name},
                choices=self.ASSIGN_CHOICES,
                required=False,
                initial="0",
            )

    def clean(self):
        data = super().clean()
        if not data.get("explained_on"):
            self.add_error("explained_on", _("委員に見直しの趣旨を説明した日を入力してください（要綱第4-3）。"))
        count = len(self.names())
        for m in self.members:
            choice = data.get(f"assign_{m.pk}", "")
            if choice and int(choice) >= count:
                self.add_error(
                    f"assign_{m.pk}",
                    gettext("見直し後の協議会は%(count)sつです。引継ぎ先を選び直してください。") % {"count": count},
                )
        return data

    def assignment(self) -> dict[int, int]:
        """Membership id → index of the successor it carries over to (members of merged councils go to the one)."""
        result = {}
        for m in self.members:
            name = f"assign_{m.pk}"
            # A member missing from the post (the list changed after the page was opened) carries over to the first.
            choice = self.cleaned_data.get(name, "") if name in self.data else "0"
            if choice != "":
                result[m.pk] = int(choice)
        return result

    def names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("new_names", "").splitlines() if line.strip()]


class BylawsForm(Form):
    bylaws = forms.FileField(label=_("規約・会則のファイル（PDF・Word）"))

    def clean_bylaws(self):
        upload = self.cleaned_data["bylaws"]
        if not upload.name.lower().endswith((".pdf", ".doc", ".docx", ".odt", ".txt")):
            raise ValidationError(_("PDF、Word、テキストのファイルを選んでください。"))
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("ファイルが大きすぎます（10MBまで）。"))
        return upload
