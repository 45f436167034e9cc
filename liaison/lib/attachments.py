"""Files attached to records (good-practice reports, safety information): one field for several files, and one check
of kind, size and count, so every form that takes attachments refuses the same files with the same Japanese message.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# What offices exchange: documents, spreadsheets, slides, plain text and pictures. Nothing that runs.
EXTENSIONS = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",
    ".ods",
    ".txt",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
)
MAX_BYTES = 10 * 1024 * 1024
MAX_COUNT = 10
HELP_TEXT = _("PDF、Word、Excel、PowerPoint、テキスト、JPEG・PNG・GIF画像。1ファイル10MB、10件まで。")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked like a single one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("help_text", HELP_TEXT)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def check_attachment(upload) -> None:
    """A clear Japanese error for a file of a kind or size the office does not take."""
    if not upload.name.lower().endswith(EXTENSIONS):
        raise ValidationError(
            gettext(
                "「%(name)s」は添付できない種類のファイルです。PDF、Word、Excel、PowerPoint、テキスト、"
                "JPEG・PNG・GIF画像を選んでください。"
            )
            % {"name": upload.name},
            code="file_type",
        )
    if upload.size > MAX_BYTES:
        raise ValidationError(
            gettext("「%(name)s」は大きすぎます（1ファイル%(mb)sMBまで）。")
            % {"name": upload.name, "mb": MAX_BYTES // (1024 * 1024)},
            code="file_size",
        )


def check_uploads(uploads: list, *, attached: int = 0) -> list:
    """Check each new file, and that with the ``attached`` ones already kept there are no more than MAX_COUNT."""
    for upload in uploads:
        check_attachment(upload)
    if attached + len(uploads) > MAX_COUNT:
        raise ValidationError(gettext("添付ファイルは%(n)s件までです。") % {"n": MAX_COUNT}, code="file_count")
    return uploads
