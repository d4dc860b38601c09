"""CSV and XLSX exports of a report. Figures and labels only: no personal data. Cells go
through ``asbcr.exports``, so a name that looks like a formula stays text."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from asbcr.exports import csv_writer, xlsx_append
from reporting.constants import Figure, Timeliness


def report_sheets(report: dict) -> dict[str, list[list]]:
    """The report as named tables: headline figures by period, then the extras."""
    periods = report["periods"]
    labels = dict(Figure.choices)
    areas = ", ".join(a.name for a in report["areas"])
    figures = [["Areas", areas], ["Figure", *[p.label for p in periods]]]
    for key, by_period in report["figures"].items():
        figures.append([labels[key], *[by_period[p.label] for p in periods]])
    current = report["period"]
    extras = [["Period", current.label, f"{current.start:%Y-%m-%d} to {current.end:%Y-%m-%d}"]]
    extras.append(["Section", "Category", "Count"])
    extras += [["Channel", label, n] for label, n in report["by_channel"]]
    extras += [["Agency reported to", label, n] for label, n in report["by_agency"]]
    extras += [["Outcome so far", label, n] for label, n in report["by_outcome"]]
    extras += [["Appeal outcome", label, n] for label, n in report["appeal_outcomes"]]
    extras.append(
        [
            "Repeat applications",
            "From a victim who had applied before",
            report["repeat_applications"],
        ]
    )
    timeliness = [["Deadline", *[t.label for t in Timeliness], "Total"]]
    for row in report["timeliness"]:
        timeliness.append([row["label"], *[row[t.value] for t in Timeliness], row["total"]])
    sheets = {"Figures": figures, "Breakdown": extras, "Timeliness": timeliness}
    if "per_area" in report:
        per_area = [["Area", *[labels[f] for f in report["figures"]]]]
        for area, values in report["per_area"]:
            per_area.append([area.name, *[values[f] for f in report["figures"]]])
        sheets["By area"] = per_area
        escalation_rows = [
            ["Area", "Lodged", "Against", "In time", "Status", "Outcome", "Days to decision"]
        ]
        for e in report["escalations"]:
            escalation_rows.append(
                [
                    e["area"],
                    e["lodged"],
                    e["against"],
                    e["in_time"],
                    e["status"],
                    e["outcome"],
                    e["days_to_decision"] if e["days_to_decision"] is not None else "",
                ]
            )
        sheets["Escalations"] = escalation_rows
    return sheets


def to_csv(sheets: dict[str, list[list]]) -> bytes:
    """All tables in one CSV, each headed by its name and followed by a blank line."""
    out = io.StringIO()
    writer = csv_writer(out)
    for name, rows in sheets.items():
        writer.writerow([name])
        writer.writerows(rows)
        writer.writerow([])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: dict[str, list[list]]) -> bytes:
    """One worksheet per table, header rows in bold."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(title=name[:31])
        for row in rows:
            xlsx_append(sheet, row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
