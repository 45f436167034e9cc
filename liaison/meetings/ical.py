"""A few lines of iCalendar (RFC 5545) for the officers' calendar feed, written by hand: one VCALENDAR of VEVENTs.

What the RFC asks and this does: lines end in CRLF; a line longer than 75 octets is folded (CRLF and one space),
never inside a UTF-8 character; text values escape backslash, semicolon, comma and line breaks; times are in UTC
(``Z``), which every calendar app converts to the reader's zone.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

MAX_EVENTS = 500  # a feed covers months, not the station's whole history
PRODID = "-//Koban Liaison//Council meetings//JA"


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 5545 3.1), each continuation starting with a space."""
    data = line.encode()
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while end > start and (data[end] & 0xC0) == 0x80:  # do not cut a UTF-8 character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # the leading space of a continuation counts
    parts.append(data[start:])
    return "\r\n ".join(p.decode() for p in parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(meeting, host: str) -> list[str]:
    start = meeting.starts_at
    end = meeting.ends_at or start + datetime.timedelta(hours=2)
    status = {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}[meeting.status]
    return [
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{_utc(meeting.updated_at or timezone.now())}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{escape(str(meeting))}",
        f"LOCATION:{escape(meeting.venue_name)}",
        f"STATUS:{status}",
        f"SEQUENCE:{meeting.version}",
        "END:VEVENT",
    ]


def calendar(meetings, *, host: str, name: str) -> str:
    """The whole feed as text with CRLF line ends."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{escape(name)}"]
    for meeting in meetings:
        lines += event_lines(meeting, host)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
