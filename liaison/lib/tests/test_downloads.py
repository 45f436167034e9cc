"""X3: every download carries its Japanese file name the same way, through one helper."""

import io
from urllib.parse import quote, unquote

from liaison.lib.downloads import content_disposition, download_response


def _utf8_name(header: str) -> str:
    return unquote(header.split("filename*=UTF-8''", 1)[1])


def test_x3_a_japanese_name_is_sent_in_utf8_with_an_ascii_fallback():
    header = content_disposition("委嘱状_一番町交番連絡協議会_髙橋 次郎.pdf")
    assert header == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''"
        + quote("委嘱状_一番町交番連絡協議会_髙橋 次郎.pdf", safe="")
    )
    assert header.isascii()
    assert _utf8_name(header) == "委嘱状_一番町交番連絡協議会_髙橋 次郎.pdf"


def test_x3_a_plain_ascii_name_is_its_own_fallback():
    assert (
        content_disposition("roster-2026.xlsx")
        == "attachment; filename=\"roster-2026.xlsx\"; filename*=UTF-8''roster-2026.xlsx"
    )
    assert content_disposition("名簿").startswith('attachment; filename="download"; ')


def test_x3_what_people_typed_cannot_break_the_header_or_name_a_folder():
    """A council named with quotes, slashes or a line break still gives one header with one harmless name."""
    header = content_disposition('委嘱状_"A/B"\\協議会\r\nX-Evil: 1.pdf')
    assert "\r" not in header and "\n" not in header and header.count('"') == 2
    assert _utf8_name(header) == "委嘱状__A_B__協議会__X-Evil: 1.pdf"
    assert content_disposition("") == "attachment; filename=\"download\"; filename*=UTF-8''download"


def test_x3_bytes_and_open_files_download_alike():
    made = download_response(b"%PDF-1.7\n", "委嘱状.pdf", "application/pdf")
    assert made["Content-Type"] == "application/pdf" and made.content == b"%PDF-1.7\n"
    assert made["Content-Disposition"] == content_disposition("委嘱状.pdf")

    kept = download_response(io.BytesIO(b"PK\x03\x04"), "委員名簿_一番町.xlsx")
    assert kept["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert kept["Content-Disposition"] == content_disposition("委員名簿_一番町.xlsx")
    assert b"".join(kept.streaming_content) == b"PK\x03\x04"

    unknown = download_response(b"?", "規約")
    assert unknown["Content-Type"] == "application/octet-stream"
