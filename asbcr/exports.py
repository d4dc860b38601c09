"""Cells for CSV and XLSX exports that a spreadsheet cannot run as formulas.

Text typed by users (a case note, an agency's name) ends up in exports that are opened
in Excel or LibreOffice. A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return can be read as a formula (``=HYPERLINK(...)`` leaks the sheet's other
cells to a web address when clicked). Following the OWASP CSV-injection guidance, such a
text is prefixed with a single quote in CSV; in XLSX it is written as a string cell,
never a formula, and marked "quote prefix" so editing it keeps it text. Only strings are
escaped: numbers stay numbers, negative ones included.

Every export writes its cells through this module: ``csv_writer`` for CSV,
``xlsx_append`` for a worksheet row.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """A text a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value):
    """The value for a CSV cell: formula-like text gets a leading ``'``; anything else
    (numbers, dates, ordinary text) is returned as it is."""
    if is_formula_like(value):
        return "'" + value
    return value


class SafeCSVWriter:
    """``csv.writer`` that passes every cell through ``safe_cell``."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, **kwargs) -> SafeCSVWriter:
    """A CSV writer for an export (same arguments as ``csv.writer``)."""
    return SafeCSVWriter(file, **kwargs)


def xlsx_append(sheet, row) -> None:
    """Append a row to an openpyxl worksheet with text always written as text.

    openpyxl turns any string starting with ``=`` into a formula; here every string is
    set as a string cell, and a formula-like one also gets the quote-prefix style."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # not "f" (formula) or "e" (error code)
            if is_formula_like(cell.value):
                cell.quotePrefix = True
