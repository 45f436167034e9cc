"""Downloads: the one way every export sends a file, so each carries its Japanese file name the same way.

The name goes in ``filename*`` (RFC 6266 / RFC 5987, UTF-8, every byte outside the unreserved set escaped), with a
plain-ASCII ``filename`` for clients that read only that one. Characters that could end the header value or name a
folder (quotes, backslashes, slashes, control characters) are replaced, since names are built from what people typed
(a council's name). Every response with ``Content-Disposition`` is also kept out of the browser cache
(``access.middleware.NoStoreMiddleware``).
"""

from __future__ import annotations

import mimetypes
import re
from typing import IO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]')
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]*")


def content_disposition(filename: str) -> str:
    """The ``Content-Disposition`` of an attachment named ``filename`` (any language)."""
    name = _UNSAFE.sub("_", filename).strip() or "download"
    _stem, dot, extension = name.rpartition(".")
    if _PLAIN.fullmatch(name):
        fallback = name
    else:
        fallback = f"download.{extension}" if dot and _PLAIN.fullmatch(extension) else "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_response(
    content_or_file: bytes | str | IO[bytes], filename: str, content_type: str | None = None
) -> HttpResponse:
    """An attachment of ``content_or_file`` (bytes, or an open binary file streamed and closed when sent) named
    ``filename``; ``content_type`` defaults to the one the name's extension implies."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if isinstance(content_or_file, bytes | str):
        response = HttpResponse(content_or_file, content_type=content_type)
    else:
        response = FileResponse(content_or_file, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response
