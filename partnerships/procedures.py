"""Procedures as data: YAML in, validated, stored as immutable numbered versions.

The schema is documented in ``docs/procedures.md``. Each section is validated by the
app that uses it (``SECTION_VALIDATORS``); every error names the exact field at fault
as a dotted path, e.g. ``timescales.acknowledge.amount``.
"""

import copy
import difflib
import functools
import importlib
import math
import re

import yaml
from django.db import transaction

from asbcr.concurrency import conflict_message
from asbcr.plain_text import template_code_paths
from partnerships.models import Procedure, ProcedureVersion
from partnerships.procedure_schema import InvalidProcedure, ProcedureError  # noqa: F401 (re-exported)

REQUIRED_TOP_LEVEL = ("slug", "name", "source", "threshold", "decision", "timescales")

SECTION_VALIDATORS = {
    # section: "module.function" taking (value, path) and returning [ProcedureError]
    "name": "partnerships.procedure_schema.validate_text",
    "source": "partnerships.procedure_schema.validate_text",
    "exclusions": "cases.rules.validate_exclusions",
    "decision": "partnerships.procedure_schema.validate_decision",
    "risk_matrices": "partnerships.procedure_schema.validate_risk_matrices",
    "support_services": "partnerships.procedure_schema.validate_support_services",
    "enforcement_options": "partnerships.procedure_schema.validate_enforcement_options",
    "terms_of_reference": "partnerships.procedure_schema.validate_text",
    "retention": "partnerships.procedure_schema.validate_retention",
    "threshold": "thresholds.rules.validate_section",
    "timescales": "deadlines.rules.validate_section",
    "panel": "panels.rules.validate_section",
    "action_escalation": "deadlines.rules.validate_ladder",
    "appeal": "appeals.rules.validate_section",
}

KNOWN_SECTIONS = ("slug", *SECTION_VALIDATORS)
"""Every top-level key a procedure may have; anything else is reported (typos)."""


def _validator(dotted: str):
    module_name, func = dotted.rsplit(".", 1)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, func, None)


def _unknown_section(key) -> ProcedureError:
    close = difflib.get_close_matches(str(key), KNOWN_SECTIONS, n=1, cutoff=0.6)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return ProcedureError(
        str(key),
        f"'{key}' is not a section a procedure can have.{hint} "
        f"The sections are: {', '.join(KNOWN_SECTIONS)}.",
    )


def validate_procedure(data) -> list[ProcedureError]:
    """Every problem with a procedure, each naming the field at fault."""
    if not isinstance(data, dict):
        return [ProcedureError("(top)", "The file must be a mapping of sections.")]
    errors = [_unknown_section(key) for key in data if key not in KNOWN_SECTIONS]
    errors += [
        ProcedureError(key, "This section is required.")
        for key in REQUIRED_TOP_LEVEL
        if key not in data
    ]
    slug = data.get("slug")
    if slug is not None and (
        not isinstance(slug, str)
        or not slug
        or slug != slug.lower()
        or not slug.replace("-", "").isalnum()
    ):
        errors.append(ProcedureError("slug", "Use lower-case letters, digits and hyphens."))
    for section, dotted in SECTION_VALIDATORS.items():
        if section in data:
            validator = _validator(dotted)
            if validator is not None:
                errors.extend(validator(data[section], section))
    # Procedure text reaches letters and the chair's pack as plain text, never a template.
    errors += [ProcedureError(path, message) for path, message in template_code_paths(data)]
    return errors


# Limits on the YAML itself, far above any real procedure (the seeds are about 10 KB, 8
# levels deep, with one alias), so a hostile or mistaken file is a message, not a hang.
MAX_YAML_CHARS = 200_000
MAX_DEPTH = 30
MAX_NODES = 50_000
MAX_ALIASES = 100


def version_problems(version) -> list[ProcedureError]:
    """What stops a stored version from being evaluated; empty when it can be.

    Versions are validated when saved, but a version written any other way (a direct
    database edit, a rule that has since been tightened) is checked again before a page
    evaluates it, so a bad version is a message on the page, never a 500.
    """
    try:
        return validate_procedure(version.data)
    except Exception as exc:  # noqa: BLE001 (any stored data at all must give a message)
        return [ProcedureError("(version)", f"The stored data cannot be read ({exc!r:.80}).")]


class _ProcedureLoader(yaml.SafeLoader):
    """PyYAML's safe loader, narrowed to what a procedure needs.

    It refuses a key given twice (YAML would silently keep the last), explicit tags
    (``!!int 0x``, ``!!binary``), infinite or not-a-number floats, nesting deeper than
    ``MAX_DEPTH``, more than ``MAX_NODES`` values or ``MAX_ALIASES`` aliases (a "billion
    laughs" file), and reads a date such as ``2026-02-30`` as plain text: the schema
    has no dates, so nothing is converted that the validators do not check.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = self._nodes = self._aliases = 0
        self._open_anchors: list[str] = []

    def _refuse(self, problem, mark):
        raise yaml.composer.ComposerError(None, None, problem, mark)

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                self._refuse(f"more than {MAX_ALIASES} aliases (*name)", event.start_mark)
            if event.anchor in self._open_anchors:
                # "&a [*a]" is a value that contains itself: endless to read or check.
                self._refuse(f"the alias *{event.anchor} refers to itself", event.start_mark)
            return super().compose_node(parent, index)
        if getattr(event, "tag", None) not in (None, "!"):
            self._refuse(
                f"the tag {event.tag.replace('tag:yaml.org,2002:', '!!')} is not used in "
                "procedures: write the value plainly",
                event.start_mark,
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            self._refuse(f"more than {MAX_NODES} values", event.start_mark)
        self._depth += 1
        anchor = getattr(event, "anchor", None)
        self._open_anchors.append(anchor)
        try:
            if self._depth > MAX_DEPTH:
                self._refuse(f"nested too deeply (more than {MAX_DEPTH} levels)", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._open_anchors.pop()
            self._depth -= 1

    def compose_document(self):
        node = super().compose_document()
        # Few aliases can still stand for a vast value ("a: &a [x, x]", "b: &b [*a, *a]",
        # ...): each alias is counted for every value it stands for, so the file is
        # refused here, before anything walks the expanded data.
        sizes: dict[int, int] = {}

        def expanded(n) -> int:
            if id(n) in sizes:
                return sizes[id(n)]
            sizes[id(n)] = MAX_NODES + 1  # a cycle (refused above) cannot loop here
            if isinstance(n, yaml.MappingNode):
                total = 1 + sum(expanded(k) + expanded(v) for k, v in n.value)
            elif isinstance(n, yaml.SequenceNode):
                total = 1 + sum(expanded(v) for v in n.value)
            else:
                total = 1
            sizes[id(n)] = min(total, MAX_NODES + 1)
            return sizes[id(n)]

        if node is not None and expanded(node) > MAX_NODES:
            self._refuse(
                f"the aliases (*name) stand for more than {MAX_NODES:,} values", node.start_mark
            )
        return node

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"'{key}' is given twice (first on line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_float(self, node):
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise yaml.constructor.ConstructorError(
                None, None, "a number must be finite (not .inf or .nan)", node.start_mark
            )
        return value


_ProcedureLoader.add_constructor("tag:yaml.org,2002:float", _ProcedureLoader.construct_yaml_float)


def _yaml_problem(exc) -> ProcedureError:
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
    problem = getattr(exc, "problem", None) or str(exc)
    return ProcedureError(where, f"Not valid YAML: {problem}.")


def load_yaml(text: str):
    """The YAML as Python data, or InvalidProcedure naming the line at fault."""
    if len(text) > MAX_YAML_CHARS:
        raise InvalidProcedure(
            [
                ProcedureError(
                    "(file)", f"The procedure is too long: at most {MAX_YAML_CHARS:,} characters."
                )
            ]
        )
    try:
        return yaml.load(text, Loader=_ProcedureLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        raise InvalidProcedure([_yaml_problem(exc)]) from exc
    except (ValueError, OverflowError, RecursionError) as exc:
        # PyYAML's own constructors raise these for values it resolved but cannot build.
        raise InvalidProcedure(
            [ProcedureError("(file)", f"Not valid YAML: a value cannot be read ({exc}).")]
        ) from exc


def parse_yaml(text: str) -> dict:
    """Parse and validate a procedure; raises InvalidProcedure with every error."""
    return copy.deepcopy(_parsed(text))


@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> dict:
    """The same text parses to the same procedure: kept for the few texts seen most
    recently (the seed files, loaded by every test and by ``load_demo``), since parsing
    a seed in pure-Python YAML costs a tenth of a second. A text with errors is not kept
    (``lru_cache`` does not keep exceptions). Callers get a deep copy they may change."""
    data = load_yaml(text)
    errors = validate_procedure(data)
    if errors:
        raise InvalidProcedure(errors)
    return data


_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def error_line(text: str, path: str) -> int | None:
    """The line (1-based) of the YAML where ``path`` (``a.b[2].c``) is, or its nearest parent."""
    if len(text) > MAX_YAML_CHARS:
        return None
    try:
        node = yaml.compose(text, Loader=_ProcedureLoader)  # noqa: S506 (a SafeLoader)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    line = None
    for key, index in _PATH_TOKEN.findall(path):
        if isinstance(node, yaml.MappingNode) and key:
            match = next((kv for kv in node.value if kv[0].value == key), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and index:
            i = int(index)
            if i >= len(node.value):
                break
            node = node.value[i]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _normalise(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"


def procedure_save_version(
    *,
    text: str,
    by=None,
    change_note: str = "",
    expected_slug: str | None = None,
    based_on: int | None = None,
) -> ProcedureVersion:
    """Validate YAML and store it as the procedure's next version (no-op if unchanged).

    A new version is made only when the data or the text (comments included) changed.
    ``expected_slug`` pins the procedure being edited; ``based_on`` is the version the
    editor started from, so two admins editing at once cannot overwrite each other.
    Editing a procedure never changes an existing case: cases pin their version.
    """
    text = _normalise(text)
    data = parse_yaml(text)
    if expected_slug is not None and data["slug"] != expected_slug:
        raise InvalidProcedure(
            [
                ProcedureError(
                    "slug",
                    f"This page edits the procedure '{expected_slug}'; the slug cannot be "
                    f"changed to '{data['slug']}'.",
                )
            ]
        )
    with transaction.atomic():
        procedure, _ = Procedure.objects.select_for_update().get_or_create(
            slug=data["slug"], defaults={"name": data["name"]}
        )
        latest = procedure.versions.order_by("-number").first()
        if based_on is not None and latest is not None and latest.number != based_on:
            raise InvalidProcedure(
                [
                    ProcedureError(
                        "(version)",
                        conflict_message(
                            what=f"saved version {latest.number}",
                            at=latest.created_at,
                            actor=latest.created_by,
                            by=by,
                        )
                        + f" You were editing version {based_on}: compare your text with "
                        "the current version and save again.",
                    )
                ]
            )
        if latest and latest.data == data and _normalise(latest.source_yaml) == text:
            return latest
        if procedure.name != data["name"]:
            procedure.name = data["name"]
            procedure.save(update_fields=["name", "updated_at"])
        return ProcedureVersion.objects.create(
            procedure=procedure,
            number=(latest.number + 1) if latest else 1,
            data=data,
            source_yaml=text,
            change_note=change_note,
            created_by=by,
        )


def procedure_export(slug: str, *, version: int | None = None) -> str | None:
    """The YAML of a procedure's version (latest by default), comments kept."""
    procedure = Procedure.objects.get(slug=slug)
    qs = procedure.versions.order_by("-number")
    chosen = qs.get(number=version) if version else qs.first()
    return chosen.source_yaml if chosen else None
