"""X3: nothing a user types or clicks breaks a page. Every URL of the app is fuzzed with hostile input.

The URLs come from the URL resolver and the objects and roles for each from the access matrix
(liaison/access/tests/test_url_access.py, which fails until a new URL is listed there), so a new URL is covered
without editing this file. What each URL reads is found, not listed: the names its view reads from the request (in
its source) and the fields of every form on every page (parsed from the HTML, with their action URL and method).

Each URL gets hostile query parameters, and each form hostile values in its fields, sent by a role allowed to use it:
huge and odd integers, NUL, bytes that are not UTF-8, 100,000 characters, unusual Unicode, impossible dates. Explicit
examples give every parameter and every field a value of each kind, and each field on its own (the rest of the form
as shown, so that the input reaches the action) the values most likely to break it; hypothesis adds random mixes on
top. Ids in URL paths get numbers no row has or the database cannot hold, text in them hostile text. Asserted:

* no answer is a 5xx (the test client re-raises a view's exception, so the traceback shows where);
* input with NUL or invalid UTF-8 is answered 400;
* when input is refused (a 4xx, or a form shown again with errors) nothing was written: no row added or removed in
  any table of the app, and no audit entry (failed logins are audited and counted by the login throttle on purpose,
  and not counted here).

``FUZZ_EXAMPLES`` (default 2) sets the random examples per URL and per form; the number of requests is printed.
Run it on both databases: ``TEST_DB=postgres bash bin/test config/tests/test_fuzz.py``.
"""

from __future__ import annotations

import inspect
import os
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import quote, quote_from_bytes, urlsplit

import pytest
from django.apps import apps
from django.forms import BaseForm
from django.test import Client
from django.test.utils import ContextList
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from liaison.access.tests.test_url_access import URLS
from liaison.testing import app_urls

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
# The role that uses a URL: the first of these it allows (the ones that see and change the most first).
ROLE_PREFERENCE = [
    "community_section",
    "station_chief",
    "hq_admin",
    "koban_chief",
    "deputy",
    "hq_staff",
    "section_staff",
    "koban_staff",
]
# Names any view might read besides those found in its source.
GENERIC_PARAMETERS = ["q", "page", "id", "next"]

# --- Hostile values (bytes, so that invalid UTF-8 can be sent) --------------------------------------------------------

HUGE_INTEGERS = [
    "99999999999999999999",
    str(2**63),
    str(2**63 - 1),
    "-9223372036854775809",
    "9" * 5000,
    "0",
    "-1",
    "1e309",
    "NaN",
    "²",
    "١٢٣",
    "１２３",
]
ODD_DATES = ["9999-12-31", "0001-01-01", "1800-01-01", "2026-02-30", "平成32年1月1日", "令和0年1月1日", "00000000"]
UNUSUAL_TEXT = [
    "\u202e\u202dabc",
    "\ufeff",
    "😀" * 20,
    "e\u0301\u0301\u0301",
    "𠮷野家",
    "ｶﾞｷﾞｸﾞ",
    "\u3000",
    "\U0010ffff",
    "ǅ",
    "\r\n",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "../../etc/passwd",
    "{{ 7|add:7 }}",
    "\x07\x1b[31m",
    " ",
]
UNREADABLE = [b"\x00", b"a\x00b", b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", "山田".encode() + b"\xfe"]
LONG = ["x" * 100_000, "あ" * 100_000]


class Hostile(bytes):
    """A value as sent; shown shortened in failure reports (100,000 characters would drown them)."""

    def __repr__(self):
        head = bytes(self[:40])
        return repr(head) if len(self) <= 40 else f"{head!r}+...({len(self)} bytes)"


def hostile(value: str | bytes) -> Hostile:
    return Hostile(value.encode() if isinstance(value, str) else value)


HOSTILE: list[Hostile] = [hostile(v) for v in HUGE_INTEGERS + ODD_DATES + UNUSUAL_TEXT + LONG + UNREADABLE]
hostile_values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40).map(hostile),
    st.integers().map(lambda i: hostile(str(i))),
    st.binary(max_size=20).map(hostile),
)


def unreadable(value: bytes) -> bool:
    try:
        return "\x00" in value.decode("utf-8")
    except UnicodeDecodeError:
        return True


# --- What a page offers: its forms ------------------------------------------------------------------------------------


class FormScraper(HTMLParser):
    """The forms of a page: method, action, and each field with its kind, options and current value."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def _field(self, name, kind):
        return self._form["fields"].setdefault(name, {"kind": kind, "options": [], "chosen": [], "value": ""})

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": {}}
            self._form["buttons"] = []
            self.forms.append(self._form)
            return
        if self._form is None or tag not in ("input", "select", "option", "textarea", "button"):
            return
        name = a.get("name")
        if tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["chosen"].append(a.get("value", ""))
        elif not name:
            return
        elif tag == "button" or (tag == "input" and a.get("type", "text").lower() in ("submit", "image", "button")):
            self._form["buttons"].append((name, a.get("value", "")))
        elif tag == "input":
            kind = a.get("type", "text").lower()
            field = self._field(name, kind)
            if kind in ("checkbox", "radio"):
                field["options"].append(a.get("value", "on"))
                if "checked" in a:
                    field["chosen"].append(a.get("value", "on"))
            else:
                field["value"] = a.get("value", "")
        elif tag == "select":
            self._select = self._field(name, "select-multiple" if "multiple" in a else "select")
        elif tag == "textarea":
            self._textarea = self._field(name, "textarea")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def plausible(name: str, kind: str) -> str:
    """A value a person could type into an empty field, so that a form can get past its own checks to the action."""
    if kind == "number":
        return "1"
    if "date" in name or name.endswith("_on"):
        return "2026-04-01"
    for part, value in (
        ("kana", "ヤマダ"),
        ("phone", "022-123-4567"),
        ("postal", "980-0811"),
        ("email", "fuzz@example.jp"),
        ("password", "Koban-fuzz-2025!"),
        ("username", "fuzz_user"),
    ):
        if part in name:
            return value
    return "テスト"


def default_values(fields: dict) -> dict[str, list[str]]:
    """The data the form would send as shown, with empty text fields filled in plausibly."""
    data = {}
    for name, field in fields.items():
        kind = field["kind"]
        if kind == "file":
            continue
        if kind in ("checkbox", "select-multiple"):
            data[name] = list(field["chosen"])
        elif kind in ("radio", "select"):
            options = [o for o in field["options"] if o]
            data[name] = field["chosen"][:1] or options[:1] or [""]
        elif kind == "hidden":
            data[name] = [field["value"]]
        else:
            data[name] = [field["value"] or plausible(name, kind)]
    return data


# --- Requests ---------------------------------------------------------------------------------------------------------


def encode_pairs(pairs: list[tuple[str, bytes]]) -> str:
    return "&".join(f"{quote(name)}={quote_from_bytes(value)}" for name, value in pairs)


def multipart(pairs: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "FuzzBoundary7MA4YWxkTrZu0gW"
    body = b"".join(
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary.encode(), quote(n).encode(), v)
        for n, v in pairs
    )
    return body + b"--%s--\r\n" % boundary.encode(), f"multipart/form-data; boundary={boundary}"


def app_models():
    return [m for m in apps.get_models() if m.__module__.startswith("liaison.") or m._meta.label == "auth.User"]


def snapshot() -> tuple[int, ...]:
    """Row counts of every table of the app, in one query; audit entries without the audited failed logins and
    refusals (an id of another station's record is refused, and the refusal is audited); the login throttle's
    counters, which a failed login writes on purpose, not at all."""
    from django.db import connection

    from liaison.access.models import LoginThrottle
    from liaison.audit.models import AuditEntry

    quote_name = connection.ops.quote_name
    counted = [m for m in app_models() if m not in (AuditEntry, LoginThrottle)]
    counts = [f"(SELECT COUNT(*) FROM {quote_name(m._meta.db_table)})" for m in counted]
    auth = AuditEntry._meta
    counts.append(
        f"(SELECT COUNT(*) FROM {quote_name(auth.db_table)}"
        f" WHERE {quote_name(auth.get_field('kind').column)} NOT IN (%s, %s))"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(counts)}", [AuditEntry.Kind.AUTH, AuditEntry.Kind.DENIED])
        return tuple(cursor.fetchone())


def shows_form_errors(response) -> bool:
    contexts = response.context
    if contexts is None:
        return False
    for context in contexts if isinstance(contexts, ContextList) else [contexts]:
        for layer in getattr(context, "dicts", []):
            for value in layer.values():
                if isinstance(value, BaseForm) and value.is_bound and value.errors:
                    return True
    return False


class Fuzzer:
    def __init__(self, world):
        self.world = world
        self.sent = 0
        self.statuses: Counter[int] = Counter()
        self.paths: dict[str, str] = {}  # url name → path with the objects built for it
        self.forms: dict[tuple[str, str], dict] = {}  # (method, path) → a form's fields and buttons

    def role_for(self, name: str) -> str | None:
        allowed = URLS[name][1]
        if allowed in ("public", "public-post"):
            return None
        return next(role for role in ROLE_PREFERENCE if role in allowed)

    def client(self, name: str) -> Client:
        client = Client(raise_request_exception=True)
        role = self.role_for(name)
        if role is not None:
            client.force_login(self.world.user(role))
        return client

    def send(self, client, method: str, path: str, pairs, *, as_multipart=False):
        """One request; checks the answer and that refused input wrote nothing."""
        before = snapshot()
        if method == "get":
            response = client.get(path, QUERY_STRING=encode_pairs(pairs))
        elif as_multipart:
            body, content_type = multipart(pairs)
            response = client.post(path, body, content_type=content_type)
        else:
            response = client.post(path, encode_pairs(pairs), content_type="application/x-www-form-urlencoded")
        self.sent += 1
        self.statuses[response.status_code] += 1
        sent = f"{method.upper()} {path} {[(n, hostile(v)) for n, v in pairs]}"
        assert response.status_code < 500, f"{response.status_code} for {sent}"
        if any(unreadable(v) or unreadable(n.encode()) for n, v in pairs):
            assert response.status_code == 400, f"NUL or invalid UTF-8 not refused: {sent}"
        refused = response.status_code >= 400 or (method == "post" and shows_form_errors(response))
        if refused:
            assert snapshot() == before, f"refused ({response.status_code}) but written: {sent}"
        return response

    # -- discovery ------------------------------------------------------------------------------------------------

    def discover(self):
        """Open every URL once: remember its path, and the forms on its page under their method and action."""
        for name, _pattern in app_urls():
            kwargs = URLS[name][0](self.world)
            path = reverse(name, kwargs=kwargs)
            self.paths[name] = path
            response = self.client(name).get(path)
            self.sent += 1
            self.statuses[response.status_code] += 1
            assert response.status_code < 500
            if "html" not in response.get("Content-Type", ""):
                continue
            scraper = FormScraper()
            scraper.feed(response.content.decode())
            for form in scraper.forms:
                action = urlsplit(form["action"]).path or path
                known = self.forms.setdefault((form["method"], action), {"fields": {}, "buttons": []})
                for field_name, field in form["fields"].items():
                    known["fields"].setdefault(field_name, field)
                known["buttons"] = sorted(set(known["buttons"]) | set(form["buttons"]))
        # A view that takes a POST also gets, as text fields, the names its source reads: some of its forms appear
        # only in states the pages were not opened in (a renewed batch, a proposed operation manager).
        for name, pattern in app_urls():
            if self.handles_post(pattern):
                form = self.forms.setdefault(("post", self.paths[name]), {"fields": {}, "buttons": []})
                for field_name in self.names_read_by(pattern):
                    form["fields"].setdefault(field_name, {"kind": "text", "options": [], "chosen": [], "value": ""})

    @staticmethod
    def source_of(pattern) -> str:
        try:
            return inspect.getsource(inspect.unwrap(pattern.callback))
        except (OSError, TypeError):  # a class-based view of Django's: its forms are on its page
            return ""

    @classmethod
    def handles_post(cls, pattern) -> bool:
        return "POST" in cls.source_of(pattern)

    @staticmethod
    def names_read_by(pattern) -> list[str]:
        """Request parameters the view reads in its source (GET/POST .get/.getlist/[...], form data)."""
        source = Fuzzer.source_of(pattern)
        found = re.findall(r"""(?:GET|POST|params|data)(?:\.get|\.getlist)?[\[(]\s*["'](\w+)["']""", source)
        found += re.findall(r"""for \w+ in \(((?:\s*"\w+",?\s*)+)\)""", source)
        names = []
        for item in found:
            names += re.findall(r"\w+", item)
        return sorted(set(names))

    def url_name(self, path: str) -> str | None:
        try:
            match = resolve(path)
        except Resolver404:
            return None
        return match.view_name


# --- The test ---------------------------------------------------------------------------------------------------------

HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


CATEGORIES: dict[str, list[Hostile]] = {
    "huge integers": [hostile(v) for v in HUGE_INTEGERS],
    "NUL": [hostile(v) for v in UNREADABLE if b"\x00" in v],
    "invalid UTF-8": [hostile(v) for v in UNREADABLE if b"\x00" not in v],
    "100,000 characters": [hostile(LONG[0])],  # "あ" * 100,000 in every field at once would pass 2.5 MB
    "unusual Unicode": [hostile(v) for v in UNUSUAL_TEXT],
    "odd dates": [hostile(v) for v in ODD_DATES],
}


def every_name_in_each_category(names: list[str]) -> list[dict[str, Hostile]]:
    """One set of values per category, every name holding one of its values (so each name meets each category)."""
    return [{n: values[i % len(values)] for i, n in enumerate(names)} for values in CATEGORIES.values()]


def each_field_alone(fields: dict) -> list[dict[str, Hostile]]:
    """For each field on its own (the others as shown, so that the value reaches the action): a value likely to
    break that kind of field."""
    overrides = []
    for i, (name, field) in enumerate(sorted(fields.items())):
        if field["kind"] in ("select", "select-multiple", "radio", "checkbox", "hidden", "number"):
            value = ["99999999999999999999", "²"][i % 2]
        elif "date" in name or name.endswith("_on"):
            value = ["9999-12-31", "0001-01-01"][i % 2]
        else:
            value = [LONG[0], "\x07"][i % 2]
        overrides.append({name: hostile(value)})
    return overrides


def fuzz_parameters(fuzzer: Fuzzer, name: str, pattern):
    """GET the URL with hostile query parameters: every name it reads in every category, then random ones."""
    path = fuzzer.paths[name]
    names = fuzzer.names_read_by(pattern)
    form = fuzzer.forms.get(("get", path))
    if form:
        names += list(form["fields"])
    names = sorted(set(names) | set(GENERIC_PARAMETERS))
    client = fuzzer.client(name)

    @HYPOTHESIS
    @given(values=st.dictionaries(st.sampled_from(names), hostile_values, min_size=1, max_size=4))
    def run(values):
        fuzzer.send(client, "get", path, list(values.items()))

    for values in every_name_in_each_category(names):
        run = example(values=values)(run)
    run()


def fuzz_path_values(fuzzer: Fuzzer, name: str, pattern):
    """The same URL with odd values in its path: ids no row has or the database cannot hold, and hostile text where
    the path takes text. Never a 5xx."""
    kwargs = URLS[name][0](fuzzer.world)
    if not kwargs:
        return
    client = fuzzer.client(name)
    for number, text in (("99999999999999999999", "\x00"), ("0", "9" * 5000), ("1", "\u202e𠮷" * 100)):
        try:
            path = reverse(name, kwargs={k: (number if isinstance(v, int) else text) for k, v in kwargs.items()})
        except NoReverseMatch:
            continue  # the pattern cannot carry this value (e.g. a slug), so no request can contain it
        fuzzer.send(client, "get", path, [])


def fuzz_form(fuzzer: Fuzzer, method: str, action: str, form: dict):
    """Send the form with hostile values: each field alone, every field in each category, then random mixes; as
    urlencoded or multipart."""
    url_name = fuzzer.url_name(action)
    if url_name is None or url_name not in URLS:
        return
    defaults = default_values(form["fields"])
    names = sorted(defaults) or ["q"]
    buttons = form["buttons"] or [None]

    @HYPOTHESIS
    @given(
        values=st.dictionaries(st.sampled_from(names), hostile_values, min_size=1, max_size=3),
        button=st.sampled_from(buttons),
        as_multipart=st.booleans(),
    )
    def run(values, button, as_multipart):
        client = fuzzer.client(url_name)  # fresh: a logout or language switch must not carry over
        pairs = []
        for field_name in sorted(set(defaults) | set(values)):
            sent = [values[field_name]] if field_name in values else defaults[field_name]
            pairs += [(field_name, v if isinstance(v, bytes) else v.encode()) for v in sent]
        if button is not None:
            pairs.append((button[0], button[1].encode()))
        fuzzer.send(client, method, action, pairs, as_multipart=as_multipart and method == "post")

    explicit = each_field_alone(form["fields"]) + every_name_in_each_category(names)
    for i, values in enumerate(explicit):
        run = example(values=values, button=buttons[i % len(buttons)], as_multipart=bool(i % 2))(run)
    run()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_no_input_breaks_a_page_and_refused_input_writes_nothing(world, capsys):
    """X3: every URL and every form, hostile input, both databases: no 5xx, 400 for NUL/invalid UTF-8, no writes
    when refused."""
    fuzzer = Fuzzer(world)
    fuzzer.discover()
    patterns = dict(app_urls())
    for name in sorted(patterns):
        fuzz_parameters(fuzzer, name, patterns[name])
        fuzz_path_values(fuzzer, name, patterns[name])
    for (method, action), form in sorted(fuzzer.forms.items()):
        fuzz_form(fuzzer, method, action, form)
    with capsys.disabled():
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(fuzzer.statuses.items()))
        print(
            f"\nfuzz: {fuzzer.sent} requests to {len(patterns)} URLs and {len(fuzzer.forms)} forms "
            f"(FUZZ_EXAMPLES={EXAMPLES}; answers {statuses})"
        )
    assert fuzzer.sent > len(patterns)
