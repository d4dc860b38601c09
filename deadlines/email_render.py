"""The outbox's email templates, rendered many at a time (the sweep writes tens of
thousands of messages).

``render_to_string`` walks a template's nodes, its ``{% extends %}`` parent and its
blocks again for every message, and resolves each variable once per template. A
template made only of text, variables (with their filters), ``{% extends %}``,
``{% block %}``, ``{% autoescape %}``, ``{% load %}`` and comments is flattened here,
once per process, into its literal text and the variables between them. Each message
then resolves each of its variables once for all of its templates, with Django's own
``FilterExpression.resolve`` and ``render_value_in_context``: escaping, localisation and
filters are exactly the template engine's. A template using any other tag (``{% if %}``,
``{% for %}``, ``{{ block.super }}`` ...) is rendered by ``render_to_string`` as before.
``tests/deadlines/test_email_render.py`` checks both give the same text.
"""

import datetime as dt
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


class EmailRenderer:
    """Renders messages' templates; one per batch, so the language and time zone stay
    the same while it remembers how a built-in filter formatted a plain value (a due
    date is written the same way in every message that has it)."""

    def __init__(self):
        self._flats: dict[tuple, tuple | None] = {}
        self._filtered: dict = {}

    def _flats_for(self, names: list[str]) -> tuple | None:
        key = tuple(names)
        if key not in self._flats:
            flats = tuple(_flat(name) for name in names)
            self._flats[key] = None if None in flats else flats
        return self._flats[key]

    def render(self, names: list[str], context: dict) -> list[str]:
        """Each named template rendered with ``context``, as ``render_to_string`` would."""
        flats = self._flats_for(names)
        if flats is None:
            return [render_to_string(name, context) for name in names]
        ctx = Context(context, autoescape=engines["django"].engine.autoescape)
        ctx.template = flats[0].source
        values: dict = {}  # (token, autoescape) -> text, for this message
        objects: dict = {}  # token of a variable without filters -> its value
        out = []
        for flat in flats:
            pieces = []
            for part in flat.parts:
                if part.__class__ is str:
                    pieces.append(part)
                    continue
                key = (part[0].token, part[1])
                value = values.get(key)
                if value is None:
                    ctx.autoescape = part[1]
                    value = values[key] = self._value(part[0], ctx, objects)
                pieces.append(value)
            out.append("".join(pieces))
        return out

    def _value(self, expression: FilterExpression, ctx: Context, objects: dict) -> str:
        """What ``VariableNode.render`` gives for this variable."""
        try:
            if not expression.filters:
                # A bare variable's value, localised, does not depend on autoescaping, so
                # it is resolved once for the plain text and the HTML; what follows is
                # the rest of ``render_value_in_context``.
                if expression.token not in objects:
                    value = template_localtime(expression.resolve(ctx), use_tz=ctx.use_tz)
                    objects[expression.token] = localize(value, use_l10n=ctx.use_l10n)
                value = objects[expression.token]
                if not ctx.autoescape:
                    return str(value)
                return conditional_escape(value if issubclass(type(value), str) else str(value))
            key = self._key(expression, ctx)
            if key is None:
                return render_value_in_context(expression.resolve(ctx), ctx)
            if key not in self._filtered:
                self._filtered[key] = render_value_in_context(expression.resolve(ctx), ctx)
            return self._filtered[key]
        except UnicodeDecodeError:
            return ""

    def _key(self, expression: FilterExpression, ctx: Context):
        if not expression.is_var or not _memoisable(expression):
            return None
        try:
            bare = expression.var.resolve(ctx)
        except VariableDoesNotExist:
            return None
        if type(bare) not in _PLAIN_VALUES:
            return None
        return (expression.token, ctx.autoescape, type(bare), bare)
