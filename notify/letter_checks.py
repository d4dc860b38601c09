"""The checks GOV.UK Notify makes of a precompiled letter, made before we send one.

Notify prints and posts a PDF as it is, so it refuses one that its printer cannot
handle or whose address will not show in the envelope window:

- every page A4 portrait (210 x 297 mm);
- at most 10 sheets (20 pages, printed on both sides);
- nothing printed within 15 mm of the left or right edge or 5 mm of the top or bottom
  (the printable area; Notify puts its own marks outside it);
- on the first page, the recipient's address, and nothing else, inside the address
  block 24.6 to 120 mm from the left and 40 to 66.2 mm from the top, in 3 to 7 lines,
  the last a UK postcode.

Positions come from poppler (``pdftotext -bbox`` for words, ``pdftoppm`` for every mark
on the page, lines and images included), a Debian package the service already needs for
its letters (``poppler-utils``). ``letter_problems`` is pure: bytes in, problems out.
"""

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

MM_PER_PT = 25.4 / 72
A4_MM = (210.0, 297.0)
SIZE_TOLERANCE_MM = 1.0
MAX_PAGES = 20
BORDER_SIDE_MM = 15.0
BORDER_TOP_BOTTOM_MM = 5.0
ADDRESS_BOX_MM = (24.6, 40.0, 120.0, 66.2)  # left, top, right, bottom
ADDRESS_LINES = (3, 7)
DPI = 72
INK = 200  # a grey level (0 black, 255 white) darker than this is a mark
UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}$", re.IGNORECASE)


class LetterCheckUnavailable(RuntimeError):
    """poppler-utils is not installed, so a letter cannot be checked for Notify."""


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    left: float  # mm from the left edge
    top: float  # mm from the top edge
    right: float
    bottom: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


class _BBoxParser(HTMLParser):
    """Pages and words from ``pdftotext -bbox`` (XHTML, coordinates in points)."""

    def __init__(self):
        super().__init__()
        self.pages: list[tuple[float, float]] = []
        self.words: list[Word] = []
        self._word: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "page":
            self.pages.append((float(a["width"]) * MM_PER_PT, float(a["height"]) * MM_PER_PT))
        elif tag == "word":
            self._word = {k: float(a[k]) * MM_PER_PT for k in ("xmin", "ymin", "xmax", "ymax")}
            self._word["text"] = ""

    def handle_data(self, data):
        if self._word is not None:
            self._word["text"] += data

    def handle_endtag(self, tag):
        if tag == "word" and self._word is not None:
            w = self._word
            self.words.append(
                Word(len(self.pages), w["text"], w["xmin"], w["ymin"], w["xmax"], w["ymax"])
            )
            self._word = None


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise LetterCheckUnavailable(
            f"{name} (poppler-utils) is needed to check letters before Notify posts them."
        )
    return path


def _layout(pdf: bytes, folder: Path) -> _BBoxParser:
    source = folder / "letter.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(
        [_tool("pdftotext"), "-bbox", str(source), "-"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise ValueError("The letter is not a PDF that can be read.")
    parser = _BBoxParser()
    parser.feed(result.stdout.decode("utf-8", "replace"))
    return parser


def _pgm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and grey pixels of a binary PGM (P5) file."""
    data = path.read_bytes()
    fields, index = [], 0
    while len(fields) < 4:
        while data[index : index + 1].isspace():
            index += 1
        if data[index : index + 1] == b"#":
            index = data.index(b"\n", index)
            continue
        end = index
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[index:end])
        index = end
    if fields[0] != b"P5" or int(fields[3]) > 255:
        raise ValueError("Unexpected image from pdftoppm.")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[index + 1 : index + 1 + width * height]


def _marks_outside_printable_area(pdf: bytes, folder: Path) -> list[str]:
    source = folder / "letter.pdf"
    subprocess.run(
        [_tool("pdftoppm"), "-gray", "-r", str(DPI), str(source), str(folder / "page")],
        capture_output=True,
        timeout=120,
        check=True,
    )
    problems = []
    for number, image in enumerate(sorted(folder.glob("page-*.pgm")), start=1):
        width, height, pixels = _pgm(image)
        px_per_mm = DPI / 25.4
        side = int(BORDER_SIDE_MM * px_per_mm)
        edge = int(BORDER_TOP_BOTTOM_MM * px_per_mm)
        where = set()
        for y in range(height):
            row = pixels[y * width : (y + 1) * width]
            if y < edge or y >= height - edge:
                if min(row) < INK:
                    where.add("top" if y < edge else "bottom")
                continue
            if min(row[:side]) < INK:
                where.add("left")
            if min(row[width - side :]) < INK:
                where.add("right")
        for part in ("top", "bottom", "left", "right"):
            if part in where:
                limit = BORDER_TOP_BOTTOM_MM if part in ("top", "bottom") else BORDER_SIDE_MM
                problems.append(
                    f"Page {number} has something printed within {limit:g} mm of the "
                    f"{part} edge, outside the area Notify can print."
                )
    return problems


def _lines(words: list[Word]) -> list[str]:
    """Words grouped into lines by their vertical position, top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.left)):
        if lines and abs(lines[-1][0].top - word.top) < 1.5:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(w.text for w in sorted(line, key=lambda w: w.left)) for line in lines]


def _inside(word: Word, box) -> bool:
    x, y = word.centre
    left, top, right, bottom = box
    return left <= x <= right and top <= y <= bottom


def address_lines(name: str, address: str) -> list[str]:
    """The lines Notify will read as the address: the name, then each non-blank line."""
    return [" ".join(line.split()) for line in [name, *address.splitlines()] if line.strip()]


def letter_problems(pdf: bytes, *, address: list[str]) -> list[str]:
    """Every reason Notify would refuse this letter, in plain words (none: it can go)."""
    problems = []
    lo, hi = ADDRESS_LINES
    if not lo <= len(address) <= hi:
        problems.append(
            f"The address has {len(address)} lines (with the name): Notify needs {lo} to {hi}."
        )
    elif not UK_POSTCODE.match(address[-1].strip()):
        problems.append("The last line of the address must be a UK postcode.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        layout = _layout(pdf, folder)
        if not layout.pages:
            return [*problems, "The letter has no pages."]
        if len(layout.pages) > MAX_PAGES:
            problems.append(
                f"The letter has {len(layout.pages)} pages: Notify posts at most {MAX_PAGES} "
                "(10 sheets printed on both sides)."
            )
        for number, (width, height) in enumerate(layout.pages, start=1):
            if abs(width - A4_MM[0]) > SIZE_TOLERANCE_MM or abs(height - A4_MM[1]) > (
                SIZE_TOLERANCE_MM
            ):
                problems.append(
                    f"Page {number} is {width:.0f} by {height:.0f} mm: Notify needs A4 "
                    "portrait, 210 by 297 mm."
                )
        first = [w for w in layout.words if w.page == 1]
        in_box = [w for w in first if _inside(w, ADDRESS_BOX_MM)]
        found = _lines(in_box)
        if [" ".join(line.split()).casefold() for line in found] != [
            line.casefold() for line in address
        ]:
            problems.append(
                "The address block (24.6 to 120 mm from the left, 40 to 66.2 mm from the "
                "top of the first page) must hold the recipient's address and nothing else; "
                f"it holds: {' / '.join(found) or 'nothing'}."
            )
        problems += _marks_outside_printable_area(pdf, folder)
    return problems
