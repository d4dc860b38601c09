"""The translation catalogues without GNU gettext: read a ``.po`` file, write the ``.mo``
file Django loads, and list the messages a set of templates and Python modules use.

Django's ``compilemessages`` and ``makemessages`` call GNU gettext's ``msgfmt`` and
``xgettext``, which a fresh clone with only Python cannot count on. The compiled ``.mo``
files are committed; ``manage.py compile_catalogue`` rebuilds them with this module, and
``tests/public/test_welsh.py`` fails if a committed ``.mo`` is out of step with its ``.po``
or a message the public pages, emails or letters use has no Welsh.
"""

import ast
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation.template import templatize

GETTEXT_NAMES = {
    "_": ("msgid",),
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "plural"),
    "ngettext_lazy": ("msgid", "plural"),
    "pgettext": ("context", "msgid"),
    "pgettext_lazy": ("context", "msgid"),
    "npgettext": ("context", "msgid", "plural"),
    "npgettext_lazy": ("context", "msgid", "plural"),
}


@dataclass
class Entry:
    msgid: str
    msgstr: list[str] = field(default_factory=list)
    plural: str | None = None
    context: str | None = None
    fuzzy: bool = False
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.msgstr) and all(s.strip() for s in self.msgstr)


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    out, i, body = [], 0, text[1:-1]
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header first (msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    fuzzy = False

    def finish():
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        elif line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                finish()
                fuzzy = True
            continue
        if not line:
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            name, index = target
            value = _unquote(line)
        elif keyword == "msgctxt" or (
            keyword == "msgid" and (current is None or target[0] != "context")
        ):
            finish()
            current = Entry(msgid="", fuzzy=fuzzy, obsolete=obsolete)
            fuzzy = False
            name, index, value = ("context" if keyword == "msgctxt" else "msgid"), 0, _unquote(rest)
            if name == "context":
                current.context = ""
        elif keyword == "msgid":
            name, index, value = "msgid", 0, _unquote(rest)
        elif keyword == "msgid_plural":
            name, index, value = "plural", 0, _unquote(rest)
            current.plural = ""
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            name, value = "msgstr", _unquote(rest)
            while len(current.msgstr) <= index:
                current.msgstr.append("")
        else:
            raise ValueError(f"{path}: cannot read {raw!r}")
        target = (name, index)
        if name == "msgstr":
            current.msgstr[index] += value
        elif name == "context":
            current.context += value
        elif name == "plural":
            current.plural += value
        else:
            current.msgid += value
    finish()
    return entries


def mo_bytes(entries: list[Entry]) -> bytes:
    """The GNU .mo file for these entries: translated, non-fuzzy, non-obsolete ones, and
    the header (so the plural rule and charset reach Django)."""
    messages: dict[bytes, bytes] = {}
    for e in entries:
        if e.obsolete or (e.msgid and not e.translated):
            continue
        key = e.msgid if e.plural is None else f"{e.msgid}\0{e.plural}"
        if e.context is not None:
            key = f"{e.context}\x04{key}"
        messages[key.encode()] = "\0".join(e.msgstr).encode()
    keys = sorted(messages)
    ids, strs, offsets = b"", b"", []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(messages[k])))
        ids += k + b"\0"
        strs += messages[k] + b"\0"
    start_keys = 7 * 4
    start_values = start_keys + len(keys) * 8
    start_ids = start_values + len(keys) * 8
    start_strs = start_ids + len(ids)
    key_table, value_table = [], []
    for o1, l1, o2, l2 in offsets:
        key_table += [l1, o1 + start_ids]
        value_table += [l2, o2 + start_strs]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), start_keys, start_values, 0, 0)
    return (
        header
        + struct.pack(f"{len(key_table)}i", *key_table)
        + struct.pack(f"{len(value_table)}i", *value_table)
        + ids
        + strs
    )


def compile_po(po: Path) -> Path:
    """Write the .mo next to a .po; returns its path."""
    mo = Path(po).with_suffix(".mo")
    mo.write_bytes(mo_bytes(read_po(po)))
    return mo


# -- which messages a page uses -------------------------------------------------------


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        roles = GETTEXT_NAMES.get(name)
        if not roles:
            continue
        values = {}
        for role, arg in zip(roles, node.args, strict=False):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                values[role] = arg.value
        if "msgid" in values:
            yield (values.get("context"), values["msgid"])


def python_messages(path: Path) -> set[tuple[str | None, str]]:
    return set(_calls(ast.parse(Path(path).read_text(encoding="utf-8"))))


_CALL = re.compile(r"\b(?:n?p?gettext(?:_lazy)?|_)\(")


def template_messages(path: Path) -> set[tuple[str | None, str]]:
    """The messages in a Django template's {% translate %} and {% blocktranslate %} tags."""
    source = templatize(Path(path).read_text(encoding="utf-8"), origin=str(path))
    found = set()
    for match in _CALL.finditer(source):
        # Each call is one Python expression: parse from its start to its closing bracket.
        depth, end = 0, match.end() - 1
        for end in range(match.end() - 1, len(source)):
            ch = source[end]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    break
        try:
            tree = ast.parse(source[match.start() : end + 1].strip())
        except SyntaxError:
            continue
        found |= set(_calls(tree))
    return found
