"""``{% export_url "csv" "cp932" %}``: the list's own URL with its filters and the file asked for (the page left out,
since an export is every page). Used by ``_export_buttons.html``, the one markup of the export buttons."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context, fmt: str, encoding: str = "") -> str:
    request = context["request"]
    query = request.GET.copy()
    for key in ("page", "format", "encoding"):
        query.pop(key, None)
    query["format"] = fmt
    if encoding:
        query["encoding"] = encoding
    return f"{request.path}?{query.urlencode()}"
