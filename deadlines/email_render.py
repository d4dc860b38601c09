"""The outbox's email templates, rendered many at a time (the sweep writes tens of
thousands of messages).

``render_to_string`` walks a template's nodes, its ``{% extends %}`` parent and its
blocks again for every message, and resolves each variable once per template. A
template made only of text, variables (with their filters), ``{% extends %}``,
``{% block %}``, ``{% autoescape %}``, ``{% load %}`` and comments is flattened here,
once per process, into its literal text and the variables between them. Each message
then resolves each of its variables once for all of its templates, with Django's own
``FilterExpression.resolve`` and ``render_value_in_context``: escaping, localisation and
filters are exactly the template engine's. The templates a message is made of are
compiled together into format strings (their literal text, written once) with a field
for each variable's text, so a message costs its variables and nothing else; a plain
text recurring in many messages (a rule, an owner's name, the site's address) is escaped
once per batch. A template using any other tag (``{% if %}``,
``{% for %}``, ``{{ block.super }}`` ...) is rendered by ``render_to_string`` as before.
``tests/deadlines/test_email_render.py`` checks both give the same text.
"""

import datetime as dt
import html
from dataclasses import dataclass

from django.template import Context, VariableDoesNotExist, engines
from django.template.base import FilterExpression, TextNode, VariableNode, render_value_in_context
from django.template.defaulttags import AutoEscapeControlNode, CommentNode, LoadNode
from django.template.loader import render_to_string
from django.template.loader_tags import BlockNode, ExtendsNode
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime

_PURE_FILTERS = "django.template.defaultfilters"
_PLAIN_VALUES = (str, int, bool, dt.date)
_UNSET = object()
_MISSING = object()
_SLOW = object()  # a lookup left to the template engine


class _Unsupported(Exception):
    """A node the flattening does not know: the template is rendered as usual."""


@dataclass(frozen=True)
class _Flat:
    source: object  # the engine's Template this was flattened from (the loader caches it)
    parts: tuple  # literal text, or (FilterExpression, autoescape on?)


def _flatten(nodelist, blocks: dict, autoescape: bool, out: list) -> None:
    for node in nodelist:
        if isinstance(node, TextNode):
            out.append(node.s)
        elif isinstance(node, VariableNode):
            expression = node.filter_expression
            if expression.token.split("|")[0].strip().startswith("block."):
                raise _Unsupported("block.super")
            out.append((expression, autoescape))
        elif isinstance(node, BlockNode):
            _flatten(blocks.get(node.name, node).nodelist, blocks, autoescape, out)
        elif isinstance(node, AutoEscapeControlNode):
            _flatten(node.nodelist, blocks, node.setting, out)
        elif isinstance(node, CommentNode | LoadNode):
            continue
        else:
            raise _Unsupported(type(node).__name__)


def _compile(name: str, engine) -> _Flat | None:
    source = engine.get_template(name).template
    template, blocks = source, {}
    while True:
        extends = next((n for n in template.nodelist if isinstance(n, ExtendsNode)), None)
        if extends is None:
            break
        if extends.parent_name.is_var or extends.parent_name.filters:
            return None  # {% extends variable %}: known only when rendering
        for block_name, block in extends.blocks.items():
            blocks.setdefault(block_name, block)  # the most derived template's block wins
        template = engine.get_template(extends.parent_name.var).template
    parts: list = []
    try:
        _flatten(template.nodelist, blocks, engine.engine.autoescape, parts)
    except _Unsupported:
        return None
    return _Flat(source=source, parts=tuple(parts))


_compiled: dict[str, _Flat | None] = {}


def _flat(name: str) -> _Flat | None:
    engine = engines["django"]
    flat = _compiled.get(name)
    if flat is None or flat.source is not engine.get_template(name).template:
        flat = _compiled[name] = _compile(name, engine)
    return flat


def _memoisable(expression: FilterExpression) -> bool:
    """Only Django's built-in filters with constant arguments: their result depends on
    the value alone (in one language and time zone)."""
    return bool(expression.filters) and all(
        func.__module__ == _PURE_FILTERS and not any(lookup for lookup, _ in args)
        for func, args in expression.filters
    )


@dataclass(frozen=True)
class _Program:
    """A message's templates flattened together: each distinct variable once, and each
    template as a format string whose fields are the variables' texts (``cells``: which
    variable, autoescaped or not)."""

    source: object  # the first template, for the context's ``template``
    expressions: tuple  # (FilterExpression, filtered?, memoisable?, lookups) per token
    cells: tuple  # (index into expressions, autoescape on?) per distinct rendered text
    formats: tuple  # per template: its literal text with ``{n}`` for cell n


def _program(flats: tuple) -> _Program:
    tokens: dict[str, int] = {}
    expressions, cells, formats = [], {}, []
    for flat in flats:
        pieces = []
        for part in flat.parts:
            if part.__class__ is str:
                pieces.append(part.replace("{", "{{").replace("}", "}}"))
                continue
            expression, autoescape = part
            if expression.token not in tokens:
                tokens[expression.token] = len(expressions)
                memoisable = expression.is_var and _memoisable(expression)
                lookups = None
                if expression.is_var and not expression.var.translate:
                    lookups = expression.var.lookups
                expressions.append((expression, bool(expression.filters), memoisable, lookups))
            cell = cells.setdefault((tokens[expression.token], autoescape), len(cells))
            pieces.append(f"{{{cell}}}")
        formats.append("".join(pieces))
    return _Program(flats[0].source, tuple(expressions), tuple(cells), tuple(formats))


class EmailRenderer:
    """Renders messages' templates; one per batch, so the language and time zone stay
    the same while it remembers how a built-in filter formatted a plain value (a due
    date is written the same way in every message that has it) and how each distinct
    text was escaped (a rule, a name or the site's address recurs in many messages)."""

    def __init__(self):
        self._programs: dict[tuple, _Program | None] = {}
        self._filtered: dict = {}
        self._escaped: dict[str, str] = {}

    def _program_for(self, names: list[str]) -> _Program | None:
        key = tuple(names)
        if key not in self._programs:
            flats = tuple(_flat(name) for name in names)
            self._programs[key] = None if None in flats else _program(flats)
        return self._programs[key]

    def render(self, names: list[str], context: dict) -> list[str]:
        """Each named template rendered with ``context``, as ``render_to_string`` would."""
        program = self._program_for(names)
        if program is None:
            return [render_to_string(name, context) for name in names]
        state = _State(context, program.source)
        bare: list = [_UNSET] * len(program.expressions)  # a variable's localised value
        texts = []
        for index, autoescape in program.cells:
            try:
                texts.append(self._text(program.expressions[index], index, bare, state, autoescape))
            except UnicodeDecodeError:
                texts.append("")
        return [template.format(*texts) for template in program.formats]

    def _text(self, entry: tuple, index: int, bare: list, state, autoescape: bool) -> str:
        """What ``VariableNode.render`` gives for this variable."""
        expression, filtered, memoisable, lookups = entry
        if not filtered:
            # A bare variable's value, localised, does not depend on autoescaping, so it
            # is resolved once for the plain text and the HTML; what follows is the rest
            # of ``render_value_in_context`` (a new ``Context`` leaves ``use_tz`` and
            # ``use_l10n`` unset, so they are passed unset).
            value = bare[index]
            if value is _UNSET:
                value = _looked_up(lookups, state.values)
                if value is _SLOW:
                    value = expression.resolve(state.context(autoescape))
                if value.__class__ is not str:  # a str is its own local time and form
                    value = template_localtime(value, use_tz=None)
                    value = localize(value, use_l10n=None)
                bare[index] = value
            if not autoescape:
                return str(value)
            if value.__class__ is str:  # escaped once per distinct text
                escaped = self._escaped.get(value)
                if escaped is None:  # what conditional_escape gives a plain str
                    escaped = self._escaped[value] = html.escape(value)
                return escaped
            return conditional_escape(value if issubclass(type(value), str) else str(value))
        key = None
        if memoisable:
            value = bare[index]  # here, the variable's value before its filters
            if value is _UNSET:
                value = _looked_up(lookups, state.values)
                if value is _SLOW:
                    try:
                        value = expression.var.resolve(state.context(autoescape))
                    except VariableDoesNotExist:
                        value = _MISSING
                bare[index] = value
            if type(value) in _PLAIN_VALUES:
                key = (expression.token, autoescape, type(value), value)
        text = None if key is None else self._filtered.get(key)
        if text is None:
            ctx = state.context(autoescape)
            text = render_value_in_context(expression.resolve(ctx), ctx)
            if key is not None:
                self._filtered[key] = text
        return text


class _State:
    """One message's values, and the template ``Context`` over them, made only when a
    variable needs the engine itself (most are looked up directly: ``_looked_up``)."""

    __slots__ = ("values", "_source", "_context")

    def __init__(self, values: dict, source):
        self.values = values
        self._source = source
        self._context = None

    def context(self, autoescape: bool) -> Context:
        ctx = self._context
        if ctx is None:
            ctx = self._context = Context(self.values)
            ctx.template = self._source
        ctx.autoescape = autoescape
        return ctx


def _looked_up(lookups: tuple | None, values: dict):
    """``Variable._resolve_lookup`` for what the outbox's messages hold: a name in the
    message's values, then keys of plain dicts and attributes of objects that take no
    ``[...]``, none of them callable. Anything else (a literal or translated variable,
    ``lookups`` None; a missing name or attribute, a callable, a list, an object with
    ``__getitem__``, an exception) is ``_SLOW``: the engine resolves that variable itself,
    with all of its rules."""
    if lookups is None:
        return _SLOW
    current = values.get(lookups[0], _SLOW)  # the message's own dict is searched first
    try:
        for bit in lookups[1:]:
            if current is _SLOW or callable(current):
                return _SLOW
            kind = type(current)
            if kind is dict:
                current = current.get(bit, _SLOW)
            elif hasattr(kind, "__getitem__"):
                return _SLOW
            else:
                current = getattr(current, bit, _SLOW)
    except Exception:  # noqa: BLE001 - the engine decides what a failing lookup gives
        return _SLOW
    if current is _SLOW or callable(current):
        return _SLOW
    return current
