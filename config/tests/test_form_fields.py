"""X3: every form of the app is built from the safe pieces in liaison.lib.forms, so no field can answer 500.

A form derives from ``liaison.lib.forms.Form``/``ModelForm`` (control characters refused with a clear message), its
choices of rows are id-safe (a huge id is an ordinary invalid choice), and each date field is one of the kinds with a
plausible range. A form added later without them fails here.
"""

import importlib
import inspect
import pathlib
import pkgutil

from django import forms

import liaison
from liaison.lib.forms import BirthDateField, CleanInputMixin, IdChoiceField, IdMultipleChoiceField, OfficeDateField


def form_modules():
    """Each app's ``forms.py`` and any ``forms_*.py`` beside it (a second group of screens keeps its own)."""
    root = pathlib.Path(liaison.__path__[0])
    for module_info in pkgutil.iter_modules(liaison.__path__):
        for path in sorted((root / module_info.name).glob("forms*.py")):
            yield importlib.import_module(f"liaison.{module_info.name}.{path.stem}")


def app_forms():
    found = []
    for module in form_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_the_forms_are_found():
    names = {cls.__name__ for cls in app_forms()}
    assert {"PersonForm", "CouncilForm", "AppointmentForm", "ReorganisationForm", "OfficerForm"} <= names
    assert "MeetingForm" in names and any(cls.__module__.endswith("forms_followup") for cls in app_forms())


def test_every_form_refuses_control_characters():
    plain = [cls.__name__ for cls in app_forms() if not issubclass(cls, CleanInputMixin)]
    assert not plain, f"forms not derived from liaison.lib.forms.Form/ModelForm: {plain}"


def test_every_choice_of_rows_is_id_safe():
    unsafe = [
        f"{cls.__name__}.{name}"
        for cls in app_forms()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, IdChoiceField | IdMultipleChoiceField)
    ]
    assert not unsafe, f"use IdChoiceField / IdMultipleChoiceField (or Meta(ModelForm.Meta)): {unsafe}"


def test_every_date_field_is_a_kind_with_a_range():
    unranged = [
        f"{cls.__name__}.{name}"
        for cls in app_forms()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field, BirthDateField | OfficeDateField)
    ]
    assert not unranged, f"use BirthDateField or OfficeDateField: {unranged}"
