"""``{% form_summary form [other_form ...] %}``: what every form shows at its top.

After a failed submit, a summary of every error of the page's forms (``static/js/app.js`` gives it focus), each field
error a link to its field (``href="#id_x"``), so keyboard and screen-reader users learn what went wrong and reach it;
and, when any field is required, one note that explains the ＊ beside the labels. The fields themselves are rendered
by ``templates/form_fields.html``.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("form_summary.html")
def form_summary(*forms):
    """The error summary and the ＊ note for one or more forms shown as one. A list of messages stands for a form
    a view checks by hand (the filters of a list page); ``None`` is skipped."""
    errors = []
    required = False
    for form in forms:
        if form is None:
            continue
        if isinstance(form, list | tuple):
            errors.extend({"text": error} for error in form)
            continue
        # Errors of the form as a whole, and of hidden fields (a stale version, a used form token): no field to link.
        errors.extend({"text": error} for error in form.non_field_errors())
        for field in form.hidden_fields():
            errors.extend({"text": error} for error in field.errors)
        for field in form.visible_fields():
            required = required or field.field.required
            # A checkbox or radio group has no single input to point at: its wrapper carries the field's id.
            target = field.id_for_label or field.auto_id
            errors.extend({"label": field.label, "text": error, "href": f"#{target}"} for error in field.errors)
    return {"errors": errors, "required": required}
