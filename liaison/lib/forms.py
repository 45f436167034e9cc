"""Form fields for Japanese input, and the base classes every form of the app derives from.

The base classes (:class:`Form`, :class:`ModelForm`) refuse control characters in every text field with a clear
message, and give foreign keys the id-safe choice fields below. Dates come in two kinds, each with its plausible
range: :class:`BirthDateField` and :class:`OfficeDateField`.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.lib.dates import DATE_INPUT_ERROR, ImpossibleDate, check_birth_date, check_office_date, parse_date_input
from liaison.lib.ids import parse_id
from liaison.lib.text import CONTROL_CHARACTER_ERROR, find_control_character
from liaison.lib.wareki import local_date, to_wareki

__all__ = [
    "BirthDateField",
    "DateInput",
    "Form",
    "IdChoiceField",
    "IdMultipleChoiceField",
    "JapaneseDateField",
    "JapaneseDateInput",
    "ModelForm",
    "OfficeDateField",
    "refuse_control_characters",
]


class JapaneseDateInput(forms.DateInput):
    """A plain text box (not ``type=date``): police tablets type era dates such as 令和7年5月20日.

    A date is shown the way officers read and write dates, in its era with the Western year beside it
    (``令和8年（2026年）11月26日``): the era year alone leaves people counting on their fingers to compare it with a
    Western date elsewhere. ``JapaneseDateInput(wareki=False)`` shows ``2026-11-26`` instead. Both read back through
    :func:`liaison.lib.dates.parse_date_input`; what a person typed is shown back as typed.
    """

    input_type = "text"

    def __init__(self, attrs=None, format=None, *, wareki: bool = True):
        merged = {"inputmode": "numeric", "placeholder": _("例: 令和7年5月20日"), "autocomplete": "off"}
        merged.update(attrs or {})
        super().__init__(attrs=merged, format=format)
        self.wareki = wareki

    def format_value(self, value):
        if self.wareki and isinstance(value, dt.date):
            return to_wareki(value, western_year=True)
        return super().format_value(value)


DateInput = JapaneseDateInput


class JapaneseDateField(forms.DateField):
    """A ``DateField`` that reads 2025-05-20, 2025/5/20, 2025年5月20日, 令和7年5月20日, R7.5.20 and full-width digits.

    It checks no range: forms use one of the kinds below, which do.
    """

    widget = JapaneseDateInput
    default_error_messages = {"invalid": DATE_INPUT_ERROR}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return local_date(value)
        try:
            return parse_date_input(str(value))
        except ImpossibleDate as error:
            # Typed correctly, but there is no such day (2026-02-30, 平成32年1月1日): say what is wrong with it rather
            # than list the input formats the person has just followed.
            raise ValidationError(str(error), code=error.code) from None
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def check_range(self, value: dt.date) -> None:
        """Raise ``ValueError`` (Japanese message) for a date outside this kind's range."""

    def validate(self, value):
        super().validate(value)
        if value is not None:
            try:
                self.check_range(value)
            except ValueError as error:
                raise ValidationError(str(error), code="out_of_range") from None


class BirthDateField(JapaneseDateField):
    """A birth date: not in the future, not before 1900."""

    def check_range(self, value):
        check_birth_date(value)


class OfficeDateField(JapaneseDateField):
    """Any date of the councils' and stations' business (terms, set-up, reviews, reorganisations, public office):
    from the start of 昭和 to ten years ahead."""

    def check_range(self, value):
        check_office_date(value)


# --- Ids in choice fields ------------------------------------------------------------------------------------------


class IdChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` that answers "not one of the choices" for a value that cannot be an id (too large for
    the database, not a number) instead of asking the database and failing."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, models.Model) and self.to_field_name is None:
            if parse_id(value) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
                )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ``ModelMultipleChoiceField`` that refuses values that cannot be ids as ordinary invalid choices."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for item in value:
                if parse_id(item) is None:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super()._check_values(value)


# --- The base classes --------------------------------------------------------------------------------------------


def refuse_control_characters(value) -> None:
    """Validator: text may hold tabs and line breaks, but no other control character (NUL included)."""
    if isinstance(value, str) and find_control_character(value) is not None:
        raise ValidationError(CONTROL_CHARACTER_ERROR, code="control_character")


def _id_safe_formfield(db_field: models.Field, **kwargs):
    # Foreign keys and many-to-many fields of a ModelForm get the id-safe choice fields.
    if isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", IdChoiceField)
    elif isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", IdMultipleChoiceField)
    return db_field.formfield(**kwargs)


class CleanInputMixin:
    """Every text field refuses control characters with 「制御文字は使用できません。」.

    Django's own NUL check says 「何か文字を入力してください。」 in Japanese, which misleads; it is replaced.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [
                    v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
                ] + [refuse_control_characters]


class Form(CleanInputMixin, forms.Form):
    """The base of every plain form of the app."""


class ModelForm(CleanInputMixin, forms.ModelForm):
    """The base of every model form of the app."""

    class Meta:
        formfield_callback = _id_safe_formfield
