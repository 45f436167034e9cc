"""Requests whose data cannot be read as text are answered 400 with a clear Japanese page before any view runs.

NUL cannot be stored or searched on PostgreSQL (a search for it answered 500), and bytes that are not UTF-8 would be
stored as U+FFFD. The query string and a form-encoded body are checked as bytes; a multipart body is checked after
Django has parsed it (its files are binary and stay unchecked; its text fields carry U+FFFD where bytes were bad).
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from .text import form_encoded_is_readable, is_readable

__all__ = ["RefuseUnreadableInputMiddleware"]


def _wsgi_bytes(text: str) -> bytes:
    # WSGI passes the query string as bytes decoded with ISO-8859-1; anything else was already text.
    try:
        return text.encode("iso-8859-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def request_is_readable(request) -> bool:
    """Whether every parameter of ``request`` (query string and posted fields) is UTF-8 text without NUL."""
    if not form_encoded_is_readable(_wsgi_bytes(request.META.get("QUERY_STRING", ""))):
        return False
    if request.method not in ("POST", "PUT", "PATCH"):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return form_encoded_is_readable(request.body)
    if content_type.startswith("multipart/form-data"):
        fields = [*request.POST.keys(), *(v for values in request.POST.lists() for v in values[1])]
        fields += [f.name or "" for f in request.FILES.values()]
        return all(is_readable(text) for text in fields)
    return True


class RefuseUnreadableInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_readable(request):
            message = _(
                "送信された内容に、使用できない文字が含まれています。制御文字は使用できません。"
                "また、文字コードは UTF-8 で送信してください。前の画面に戻って入力し直してください。"
            )
            return render(
                request, "input_refused.html", {"title": _("入力を受け付けられません"), "message": message}, status=400
            )
        return self.get_response(request)
