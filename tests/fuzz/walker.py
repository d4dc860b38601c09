"""The fuzz walker: every URL pattern from the resolver, every form found on the pages.

Nothing here knows a view. URLs come from ``get_resolver()``; the values for their
arguments come from the demo data by the argument's name (and, for a bare ``pk``, the
part of the route before it); forms are read from the HTML each page renders, and each
field gets the hostile values for its type. Every request runs inside a savepoint that is
rolled back, so one request cannot change what the next one sees and the walk is the
same on every run with the same seed.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

SCRIPT = "<script>fuzz()</script>"
HUGE_NUMBER = "9" * 30
NUL = "\x00"
LONE_SURROGATE = "\udcff"

# Raw path segments, already percent-encoded, tried in place of each URL argument.
HOSTILE_SEGMENTS = {
    "missing-int": "987654",
    "missing-text": "ZZZ-0000-00000",
    "garbage": "abc%27%22",
    "nul": "%00",
    "nul-inside": "a%00b",
    "huge": HUGE_NUMBER,
    "negative": "-1",
    "long": "A" * 3000,
    "script": quote(SCRIPT, safe=""),
    "emoji": quote("\U0001f600", safe=""),
    "bad-utf8": "%FF%FE",
}

# Query parameters the views read, each given every hostile value at once.
QUERY_PARAMS = [
    "kind",
    "page",
    "area",
    "areas",
    "state",
    "officer",
    "agency",
    "risk",
    "received_from",
    "received_to",
    "matrix",
    "change",
    "appeal_upheld",
    "inline",
    "to",
    "from",
    "all",
    "item",
    "date_from",
    "date_to",
    "year",
    "q",
    "next",
    "fmt",
]
HOSTILE_QUERY_VALUES = {
    "nul": NUL,
    "huge": HUGE_NUMBER,
    "negative": "-99999999999",
    "script": SCRIPT,
    "dates": "0001-01-01",
    "far-dates": "9999-12-31",
    "garbage": "abc",
    "surrogate": LONE_SURROGATE,
    "widest-period": {"date_from": "0001-01-01", "date_to": "9999-12-31"},
}


def hostile_query(label: str) -> str:
    """The raw query string for one of HOSTILE_QUERY_VALUES."""
    value = HOSTILE_QUERY_VALUES[label]
    pairs = value.items() if isinstance(value, dict) else ((n, value) for n in QUERY_PARAMS)
    return "&".join(f"{n}={quote(v, safe='', errors='surrogatepass')}" for n, v in pairs)


TEXT_VALUES = {
    "empty": "",
    "100kb": "A" * 100_000,
    "nul": "a\x00b",
    "surrogate": "a" + LONE_SURROGATE,
    "emoji": "\U0001f600" * 20,
    "script": SCRIPT,
    "huge-number": HUGE_NUMBER,
    "negative": "-1",
    "yaml-impossible-date": "x: 2026-02-30",
    "yaml-bad-tag": "x: !!int 0x",
    "yaml-deep": "[" * 3000 + "]" * 3000,
}
NUMBER_VALUES = {
    "huge": HUGE_NUMBER,
    "negative-huge": "-" + HUGE_NUMBER,
    "inf": "1e309",
    "nan": "NaN",
    "nul": NUL,
    "garbage": "abc",
    "script": SCRIPT,
}
DATE_PART_VALUES = {
    "huge": HUGE_NUMBER,
    "zero": "0",
    "negative": "-1",
    "nul": NUL,
    "garbage": "abc",
    "emoji": "\U0001f600",
}
WHOLE_DATE_VALUES = {  # day, month, year together
    "30-february": ("30", "2", "2026"),
    "year-zero": ("1", "1", "0"),
    "year-huge": ("1", "1", HUGE_NUMBER),
    "all-huge": (HUGE_NUMBER, HUGE_NUMBER, HUGE_NUMBER),
    "year-9999": ("31", "12", "9999"),
    "year-1": ("1", "1", "1"),
}
CHOICE_VALUES = {
    "wrong-choice": "not-a-choice",
    "nul": NUL,
    "huge": HUGE_NUMBER,
    "script": SCRIPT,
    "empty": "",
}
HIDDEN_VALUES = {"nul": NUL, "huge": HUGE_NUMBER, "garbage": "abc", "script": SCRIPT}
ISO_DATE_VALUES = {
    "far-past": "0001-01-01",
    "far-future": "9999-12-31",
    "impossible": "2026-02-30",
    "huge": HUGE_NUMBER,
    "nul": NUL,
    "script": SCRIPT,
}
FILE_VALUES = {
    "exe": ("report.exe", b"MZ\x90\x00 not a document"),
    "fake-pdf": ("report.pdf", b"this is not a PDF"),
    "empty": ("empty.pdf", b""),
    "nul-name": ("a\x00b.pdf", b"%PDF-1.4\n"),
    "script-name": (SCRIPT + ".txt", b"text"),
}


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, number, date, select, radio, checkbox, hidden, file, datepart
    baseline: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)


@dataclass
class FoundForm:
    page: str  # the URL the form was found on
    action: str  # where it posts
    fields: dict[str, FormField]
    submit: tuple[str, str] | None = None

    @property
    def has_files(self) -> bool:
        return any(f.kind == "file" for f in self.fields.values())

    def signature(self) -> tuple:
        return (re.sub(r"\d+", "N", self.action), tuple(sorted(self.fields)))


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = {"action": a.get("action", ""), "fields": {}, "submit": None}
                self.forms.append(self._form)
            else:
                self._form = None
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image"):
                if self._form["submit"] is None:
                    self._form["submit"] = (name, a.get("value", ""))
                return
            if kind == "csrfmiddlewaretoken" or name == "csrfmiddlewaretoken":
                return
            if kind in ("radio", "checkbox"):
                f = fields.setdefault(name, FormField(name, kind))
                f.options.append(a.get("value", "on"))
                if "checked" in a:
                    f.baseline.append(a.get("value", "on"))
                return
            if kind in ("email", "tel", "search", "url", "password"):
                kind = "text"
            if kind not in ("text", "number", "date", "hidden", "file"):
                kind = "text"
            if re.search(r"_[012]$", name) and "govuk-date-input__input" in a.get("class", ""):
                kind = "datepart"
            fields[name] = FormField(name, kind, [a.get("value", "")])
        elif tag == "textarea" and name:
            self._textarea = fields[name] = FormField(name, "textarea", [""])
        elif tag == "select" and name:
            self._select = fields[name] = FormField(name, "select")
            self._select.multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.baseline.append(value)
        elif tag == "button" and name and self._form["submit"] is None:
            self._form["submit"] = (name, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.baseline = [self._textarea.baseline[0] + data]


def forms_on(page: str, html: str) -> list[FoundForm]:
    parser = _FormParser()
    parser.feed(html)
    found = []
    for raw in parser.forms:
        fields = raw["fields"]
        for f in fields.values():
            if f.kind in ("select",) and not f.baseline:
                non_empty = [o for o in f.options if o]
                f.baseline = non_empty[:1]
            if f.kind == "radio" and not f.baseline and f.options:
                f.baseline = f.options[:1]
        action = raw["action"] or page
        action = urlsplit(action).path or urlsplit(page).path
        if not action.startswith("/"):
            continue
        found.append(FoundForm(page, action, fields, raw["submit"]))
    return found


# -- the URL patterns --------------------------------------------------------------


@dataclass
class Route:
    route: str  # e.g. "staff/cases/<str:reference>/"
    name: str
    params: list[str]


def all_routes() -> list[Route]:
    found = []

    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = f"{namespace}:{p.name}" if namespace else (p.name or route)
                params = re.findall(r"<(?:\w+:)?(\w+)>", route)
                if route.startswith("^") or "(?P<" in route:  # admin's regex patterns
                    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route.strip("^$"))
                    route = route.replace("^", "").replace("$", "")
                    params = re.findall(r"<(\w+)>", route)
                found.append(Route(route, name, params))

    walk(get_resolver().url_patterns)
    return found


def values_for(route: Route, param: str, valid: dict[str, list[str]], default=("1",)) -> list[str]:
    """The real values for one argument of a route: by the argument's name, and for a bare
    ``pk`` by the longest ``pk:<route prefix>`` key the route starts with."""
    if param == "pk":
        for key in sorted((k for k in valid if k.startswith("pk:")), key=len, reverse=True):
            if route.route.startswith(key[3:]):
                return valid[key]
        return list(default)
    return valid.get(param, list(default))


def fill(route: str, values: dict[str, str]) -> str:
    def sub(match):
        return values[match.group(1)]

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", sub, route)


# -- requests ---------------------------------------------------------------------


@dataclass
class Problem:
    who: str
    method: str
    url: str
    what: str
    status: int
    detail: str

    def __str__(self):
        return f"{self.status} {self.who} {self.method} {self.url} [{self.what}]: {self.detail}"


def _exception_summary(response) -> str:
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    import traceback

    frames = [
        f
        for f in traceback.extract_tb(exc_info[2])
        if "site-packages" not in f.filename and "/lib/python" not in f.filename
    ]
    where = f" at {frames[-1].filename.rsplit('/', 2)[-2:]}:{frames[-1].lineno}" if frames else ""
    return f"{exc_info[0].__name__}: {str(exc_info[1])[:160]}{where}"


def encode_value(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


class Fuzzer:
    """Sends requests, counts them, and collects every 5xx and every reflected payload."""

    def __init__(self, seed: int = 20260401):
        self.random = random.Random(seed)
        self.requests = 0
        self.problems: list[Problem] = []
        self.clients: dict[str, Client] = {}
        logging.getLogger("django.request").setLevel(logging.CRITICAL)

    def client_for(self, who: str, user=None) -> Client:
        if who not in self.clients:
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            self.clients[who] = client
        return self.clients[who]

    def _check(self, who, method, url, what, response):
        self.requests += 1
        status = response.status_code
        if status >= 500:
            self.problems.append(
                Problem(who, method, url, what, status, _exception_summary(response))
            )
            return
        content_type = response.get("Content-Type", "")
        if "html" in content_type and not getattr(response, "streaming", False):
            if SCRIPT in response.content.decode("utf-8", "replace"):
                self.problems.append(
                    Problem(who, method, url, what, status, "payload reflected unescaped")
                )

    def get(self, who: str, client: Client, url: str, what: str = "", keep: bool = False):
        """GET (rolled back unless ``keep``); returns the response."""
        with transaction.atomic():
            response = client.generic("GET", url)  # keeps the raw, percent-encoded query
            if not keep:
                transaction.set_rollback(True)
        self._check(who, "GET", url, what, response)
        return response

    def post(self, who: str, client: Client, url: str, data: list[tuple[str, str]], what: str):
        """POST urlencoded (or multipart when files are in ``data``), always rolled back."""
        files = [(k, v) for k, v in data if isinstance(v, tuple)]
        with transaction.atomic():
            if files:
                from django.core.files.uploadedfile import SimpleUploadedFile

                payload = {}
                for k, v in data:
                    if isinstance(v, tuple):
                        v = SimpleUploadedFile(v[0], v[1])
                    elif isinstance(v, str):
                        v = v.encode("utf-8", "replace").decode("utf-8", "replace")
                    payload.setdefault(k, []).append(v)
                response = client.post(url, payload)
            else:
                body = urlencode([(k, encode_value(v)) for k, v in data])
                response = client.generic(
                    "POST", url, body, content_type="application/x-www-form-urlencoded"
                )
            transaction.set_rollback(True)
        self._check(who, "POST", url, what, response)
        return response


# -- hostile values per field -------------------------------------------------------


def baseline(form: FoundForm) -> list[tuple[str, object]]:
    data: list[tuple[str, object]] = []
    for f in form.fields.values():
        if f.kind == "file":
            continue
        for value in f.baseline:
            data.append((f.name, value))
    if form.submit:
        data.append(form.submit)
    return data


def _replace(data, name, values):
    out = [(k, v) for k, v in data if k != name]
    out.extend((name, v) for v in values)
    return out


def mutations(form: FoundForm) -> list[tuple[str, list[tuple[str, object]]]]:
    """(what, data) for every hostile value of every field, plus whole-form attacks."""
    base = baseline(form)
    out = [("baseline", base), ("extra-field", base + [("unexpected_field", SCRIPT)])]
    out.append(("empty-form", []))
    dateparts: dict[str, list[str]] = {}
    for f in form.fields.values():
        values = {
            "text": TEXT_VALUES,
            "textarea": TEXT_VALUES,
            "number": NUMBER_VALUES,
            "date": ISO_DATE_VALUES,
            "select": CHOICE_VALUES,
            "radio": CHOICE_VALUES,
            "checkbox": CHOICE_VALUES,
            "hidden": HIDDEN_VALUES,
            "datepart": DATE_PART_VALUES,
        }.get(f.kind, {})
        if f.kind == "file":
            for label, upload in FILE_VALUES.items():
                out.append((f"{f.name}={label}", base + [(f.name, upload)]))
            continue
        if f.kind == "datepart":
            dateparts.setdefault(f.name[:-2], []).append(f.name)
        for label, value in values.items():
            out.append((f"{f.name}={label}", _replace(base, f.name, [value])))
    for stem in dateparts:
        for label, (day, month, year) in WHOLE_DATE_VALUES.items():
            data = _replace(base, f"{stem}_0", [day])
            data = _replace(data, f"{stem}_1", [month])
            data = _replace(data, f"{stem}_2", [year])
            out.append((f"{stem}={label}", data))
    everything = [
        (f.name, NUL if f.kind != "file" else ("a.exe", b"MZ")) for f in form.fields.values()
    ]
    out.append(("every-field-nul", everything + ([form.submit] if form.submit else [])))
    huge = [(f.name, HUGE_NUMBER) for f in form.fields.values() if f.kind != "file"]
    out.append(("every-field-huge", huge + ([form.submit] if form.submit else [])))
    return out
