"""``{% per_language %}…{% end_per_language %}``: a part of the layout rendered once a
process for each language, then given as it was.

Every page renders the same header, footer and links to the static files; their
``{% static %}``, ``{% url %}`` and ``{% translate %}`` tags give the same text every time
in a language. A fragment may hold only what depends on nothing but the language: text,
those three tags with constant arguments, and ``{{ service_name }}`` or
``{{ LANGUAGE_CODE }}`` (with filters of constant arguments). Anything else (a block, a
CSRF token, a condition, another variable) is refused when the template is loaded, so
nothing that belongs to one request can be kept for the next.
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, TextNode, Variable, VariableNode
from django.templatetags.i18n import GetCurrentLanguageNode, TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix
from django.utils import translation

register = template.Library()

# The context variables a fragment may show: the same for every request in a language.
LANGUAGE_ONLY_VARIABLES = {"service_name", "LANGUAGE_CODE"}


def _constant_arguments(expression: FilterExpression) -> bool:
    """Whether every filter's argument is a literal, not a variable."""
    return all(not lookup for _, args in expression.filters for lookup, _ in args)


def _constant(expression: FilterExpression | None) -> bool:
    if expression is None:
        return True
    var = expression.var
    if isinstance(var, Variable) and var.literal is None:
        return False
    return _constant_arguments(expression)


def _variable_allowed(expression: FilterExpression) -> bool:
    var = expression.var
    if not isinstance(var, Variable) or var.literal is not None:
        return _constant(expression)
    plain = var.lookups is not None and len(var.lookups) == 1
    return plain and var.var in LANGUAGE_ONLY_VARIABLES and _constant_arguments(expression)


def _allowed(node) -> bool:
    if isinstance(node, TextNode):
        return True
    if isinstance(node, VariableNode):
        return _variable_allowed(node.filter_expression)
    if isinstance(node, StaticNode):
        return node.varname is None and _constant(node.path)
    if isinstance(node, TranslateNode):
        return (
            node.asvar is None
            and _constant(node.filter_expression)
            and _constant(node.message_context)
        )
    if isinstance(node, GetCurrentLanguageNode):
        return True
    if type(node).__name__ == "URLNode":
        return (
            node.asvar is None and not node.args and not node.kwargs and _constant(node.view_name)
        )
    return False


# Bumped when a setting changes (tests do; a running service does not): what was kept
# may have come from another static storage or language setting.
_generation = 0


@receiver(setting_changed)
def _forget_rendered(**kwargs):
    global _generation
    _generation += 1


class PerLanguageNode(template.Node):
    def __init__(self, nodelist, variables):
        self.nodelist = nodelist
        self.variables = variables
        self.rendered: dict[tuple, str] = {}
        self.generation = _generation

    def render(self, context):
        # The key holds everything the text can depend on: the language, escaping, the
        # URL prefix, and the values of the variables shown (a page rendered without the
        # context processors, as an error page may be, is kept apart).
        key = (
            translation.get_language(),
            context.autoescape,
            get_script_prefix(),
            *(str(context.get(name, "")) for name in self.variables),
        )
        if self.generation != _generation:
            self.rendered, self.generation = {}, _generation
        try:
            return self.rendered[key]
        except KeyError:
            text = self.rendered[key] = self.nodelist.render(context)
            return text


@register.tag
def per_language(parser, token):
    """Render what is inside once a process for each language (see the module)."""
    nodelist = parser.parse(("end_per_language",))
    parser.delete_first_token()
    for node in nodelist:
        if not _allowed(node):
            raise template.TemplateSyntaxError(
                f"{{% per_language %}} may hold only what depends on the language alone, "
                f"not {node!r}"
            )
    variables = sorted(
        {n.filter_expression.var.var for n in nodelist if isinstance(n, VariableNode)}
        & LANGUAGE_ONLY_VARIABLES
    )
    return PerLanguageNode(nodelist, variables)
