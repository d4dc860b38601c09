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
    max_length: int | None = None  # the ``maxlength`` the page gives a text box
    input_type: str = ""  # the input's own ``type`` (email, tel...), before ``kind``


@dataclass
class FoundForm:
    page: str  # the URL the form was found on
    action: str  # where it posts
    fields: dict[str, FormField]
    submit: tuple[str, str] | None = None
    # The first button, as a person presses it (None when it sends no name): ``submit``
    # is the first button with a name, which may be a second action ("Save and come
    # back later").
    primary: tuple[str, str] | None = None

    @property
    def has_files(self) -> bool:
        return any(f.kind == "file" for f in self.fields.values())

    def signature(self) -> tuple:
        return (re.sub(r"\d+", "N", self.action), tuple(sorted(self.fields)))


def _max_length(attrs: dict) -> int | None:
    value = attrs.get("maxlength", "")
    return int(value) if value.isdigit() else None


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
                self._form["buttons"] = []
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
                self._form["buttons"].append((name, a.get("value", "")))
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
            input_type = kind
            if kind in ("email", "tel", "search", "url", "password"):
                kind = "text"
            if kind not in ("text", "number", "date", "hidden", "file"):
                kind = "text"
            if re.search(r"_[012]$", name) and "govuk-date-input__input" in a.get("class", ""):
                kind = "datepart"
            fields[name] = FormField(
                name, kind, [a.get("value", "")], [], _max_length(a), input_type
            )
        elif tag == "textarea" and name:
            self._textarea = fields[name] = FormField(
                name, "textarea", [""], [], _max_length(a), "textarea"
            )
        elif tag == "select" and name:
            self._select = fields[name] = FormField(name, "select")
            self._select.multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.baseline.append(value)
        elif tag == "button":
            if a.get("type", "submit").lower() == "submit":
                self._form["buttons"].append((name, a.get("value", "")) if name else None)
            if name and self._form["submit"] is None:
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
        primary = raw["buttons"][0] if raw["buttons"] else None
        found.append(FoundForm(page, action, fields, raw["submit"], primary))
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


def post_rolled_back(client: Client, url: str, data: list[tuple[str, object]]):
    """POST ``data`` urlencoded, as a browser sends it (each value as ``encode_value``
    writes it), in a transaction rolled back afterwards; returns the response."""
    body = urlencode([(k, encode_value(v)) for k, v in data])
    with transaction.atomic():
        response = client.generic(
            "POST", url, body, content_type="application/x-www-form-urlencoded"
        )
        transaction.set_rollback(True)
    return response


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
        if not files:
            response = post_rolled_back(client, url, data)
        else:
            from django.core.files.uploadedfile import SimpleUploadedFile

            payload = {}
            for k, v in data:
                if isinstance(v, tuple):
                    v = SimpleUploadedFile(v[0], v[1])
                elif isinstance(v, str):
                    v = v.encode("utf-8", "replace").decode("utf-8", "replace")
                payload.setdefault(k, []).append(v)
            with transaction.atomic():
                response = client.post(url, payload)
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


# -- over-long text ------------------------------------------------------------------

# A text box with no limit on the page is sent this much: well past any answer a person
# writes, still under Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) for the whole form.
LONG_TEXT = 1_000_000
# Django's own length message, which no page may show.
DJANGO_LENGTH_WORDS = "Ensure this value has"
_KEPT = "[the text typed]"  # stands in for the typed value while the reply is parsed


def too_long(f: FormField) -> str:
    """Text one character over the box's limit (LONG_TEXT without one), of the box's kind,
    with no spaces at its ends for ``strip`` to take off."""
    size = f.max_length + 1 if f.max_length is not None else LONG_TEXT
    if f.input_type == "email":
        return "a" * (size - len("@example.com")) + "@example.com"
    if f.input_type == "tel":
        return "0" * size
    return "L" + "o" * (size - 2) + "g"


def _ordinary(f: FormField) -> str:
    """A short answer a person might give, for a box the page shows empty."""
    return {"email": "walk@example.com", "tel": "01234 567890"}.get(f.input_type, "Checked")


def overlong(form: FoundForm, today) -> list[tuple[FormField, str, list[tuple[str, object]]]]:
    """(field, typed, data) for each text box: that box one character over its limit (or
    LONG_TEXT), every other box given an ordinary answer where the page shows it empty,
    and empty date boxes a date a month ago, so the long box is what the form refuses."""
    import datetime as dt

    past = today - dt.timedelta(days=30)
    parts = {"_0": str(past.day), "_1": str(past.month), "_2": str(past.year)}
    base: list[tuple[str, object]] = []
    for f in form.fields.values():
        if f.kind == "file":
            continue
        values = [v for v in f.baseline if v]
        if not values and f.kind in ("text", "textarea"):
            values = [_ordinary(f)]
        elif not values and f.kind == "datepart":
            values = [parts[f.name[-2:]]]
        base.extend((f.name, v) for v in values)
    if form.primary:
        base.append(form.primary)
    out = []
    for f in form.fields.values():
        if f.kind in ("text", "textarea") and f.input_type not in ("password", "search"):
            typed = too_long(f)
            out.append((f, typed, _replace(base, f.name, [typed])))
    return out


class _Answer(HTMLParser):
    """What a re-rendered page shows for each field: the errors in its GOV.UK form group,
    the value in its box, and the error summary's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.errors: dict[str, list[str]] = {}
        self.values: dict[str, list[str]] = {}
        self.summary = ""
        self._groups: list[dict | None] = []  # one per open <div>
        self._error: list | None = None  # [tag, depth, text]
        self._textarea: str | None = None
        self._summary_depth = 0

    def _group(self):
        return next((g for g in reversed(self._groups) if g is not None), None)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "div":
            if self._summary_depth:
                self._summary_depth += 1
            elif "govuk-error-summary" in classes:
                self._summary_depth = 1
            self._groups.append(
                {"names": set(), "errors": []} if "govuk-form-group" in classes else None
            )
        if self._error is not None and tag == self._error[0]:
            self._error[1] += 1
        elif "govuk-error-message" in classes:
            self._error = [tag, 1, ""]
        name = a.get("name")
        if tag in ("input", "textarea", "select") and name:
            group = self._group()
            if group is not None:
                group["names"].add(name)
            if tag == "input":
                self.values.setdefault(name, []).append(a.get("value", ""))
            elif tag == "textarea":
                self._textarea = name
                self.values.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if self._error is not None and tag == self._error[0]:
            self._error[1] -= 1
            if not self._error[1]:
                group = self._group()
                if group is not None:
                    group["errors"].append(" ".join(self._error[2].split()))
                self._error = None
        if tag == "textarea":
            self._textarea = None
        if tag == "div":
            if self._summary_depth:
                self._summary_depth -= 1
            group = self._groups.pop() if self._groups else None
            if group is not None:
                for name in group["names"]:
                    self.errors.setdefault(name, []).extend(group["errors"])

    def handle_data(self, data):
        if self._error is not None:
            self._error[2] += data
        if self._textarea is not None:
            self.values[self._textarea][-1] += data
        if self._summary_depth:
            self.summary += data


def overlong_problems(response, f: FormField, typed: str, forbidden=()) -> list[str]:
    """What is wrong with the answer to a form sent with ``typed`` in field ``f``: a 5xx
    or a bare 400; a box with a limit that saved instead of refusing; a page sent back
    with no error at the field, a message in Django's wording (or any of ``forbidden``),
    or the typed text gone from the box. Empty when the answer is right."""
    status = response.status_code
    if status >= 500:
        return [f"{status}: {_exception_summary(response)}"]
    if status in (301, 302, 303):
        if f.max_length is None:
            return []  # no limit on the page: the long text may be accepted
        return [f"saved {len(typed):,} characters past its limit of {f.max_length:,}"]
    body = response.content.decode("utf-8", "replace") if status in (200, 400) else ""
    parser = _Answer()
    parser.feed(body.replace(typed, _KEPT))
    if status != 200 and not (status == 400 and f.name in parser.values):
        # The public pages send a refused form back as 400; any other 4xx is a dead end.
        return [f"answered {status}, not the form with a message at the field"]
    errors = [e.removeprefix("Error:").strip() for e in parser.errors.get(f.name, [])]
    problems = []
    if not errors and f.max_length is not None:
        problems.append("no error at the field")
    for error in errors:
        for words in (DJANGO_LENGTH_WORDS, *forbidden):
            if words in error:
                problems.append(f"Django's words: {error!r}")
        if " ".join(error.split()) not in " ".join(parser.summary.split()):
            problems.append(f"{error!r} is not in the error summary")
    shown = [v.strip() for v in parser.values.get(f.name, [])]
    if shown and _KEPT not in shown:
        problems.append("the typed text is not kept in the box")
    elif not shown and f.max_length is not None:
        problems.append("the box is not shown again")
    return problems
