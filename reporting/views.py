"""Staff reporting pages, exports, publishing, the Commissioner's monitoring view, and
the public statistics pages. Every figure comes from ``reporting.selectors``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from asbcr.confirm import confirmation_page
from asbcr.templatetags.words import long_datetime
from cases.constants import AccessKind
from cases.services import access_log_record
from partnerships.models import Area
from reporting import charts, exports, selectors, services
from reporting.constants import STATUTORY_FIGURES, Figure, Timeliness
from reporting.forms import DataReturnForm, MonitoringForm, PublishForm, ReportForm
from reporting.models import DataReturn, Publication
from reporting.periods import Period, last_complete_financial_year
from reporting.rendering import render_annual_report
from reporting.suppression import suppress, suppression_threshold

FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.to_xlsx,
    ),
}


def _figure_rows(report: dict) -> list[dict]:
    labels = dict(Figure.choices)
    return [
        {
            "label": labels[key],
            "statutory": key in STATUTORY_FIGURES,
            "values": [by_period[p.label] for p in report["periods"]],
        }
        for key, by_period in report["figures"].items()
    ]


def _charts(report: dict) -> dict:
    labels = dict(Figure.choices)
    periods = report["periods"]
    figures_chart = charts.grouped_bar_chart(
        chart_id="chart-figures",
        title="The four statutory figures, by year",
        categories=[p.label for p in periods],
        series=[
            (labels[f], [report["figures"][str(f)][p.label] for p in periods])
            for f in STATUTORY_FIGURES
        ],
    )
    timeliness_chart = None
    if report["timeliness"]:
        parts = [Timeliness.ON_TIME, Timeliness.LATE, Timeliness.BREACHED, Timeliness.OPEN]
        timeliness_chart = charts.stacked_bar_chart(
            chart_id="chart-timeliness",
            title="Deadlines due in the period, by how they ended",
            rows=[(row["label"], [row[t.value] for t in parts]) for row in report["timeliness"]],
            parts_labels=["Met on time", "Met late", "Breached", "Open"],
        )
    return {"figures_chart": figures_chart, "timeliness_chart": timeliness_chart}


def _report_from_request(request):
    """The form, and the report it asks for (None when the form has errors)."""
    areas = list(selectors.areas_for_statistics(user=request.user))
    if not areas:
        raise PermissionDenied("You do not hold a role that can see statistics.")
    form = ReportForm(request.GET or None, areas=areas)
    if request.GET and not form.is_valid():
        return form, None
    if not request.GET:
        form = ReportForm({"year": last_complete_financial_year()}, areas=areas)
        form.is_valid()
    report = selectors.report_for(
        user=request.user,
        areas=form.chosen_areas(),
        periods=form.periods(default_year=last_complete_financial_year()),
    )
    return form, report


@login_required
def reporting_view(request):
    """Figures for the chosen areas and period, year on year, with charts and tables."""
    form, report = _report_from_request(request)
    context = {"form": form, "report": report, "query": request.GET.urlencode()}
    if report:
        context.update(_charts(report))
        context["figure_rows"] = _figure_rows(report)
        context["can_publish"] = any(
            request.user.has_perm(services.PUBLISH, a) for a in report["areas"]
        )
    return render(request, "reporting/index.html", context)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_view(request, fmt: str):
    """The reporting page's figures as CSV or XLSX."""
    if fmt not in FORMATS:
        raise Http404
    form, report = _report_from_request(request)
    if report is None:
        return redirect(f"{request.path.rsplit('/', 1)[0]}/?{request.GET.urlencode()}")
    content_type, writer = FORMATS[fmt]
    slug = report["areas"][0].slug if len(report["areas"]) == 1 else "several-areas"
    filename = f"asb-case-review-statistics-{slug}-{report['period'].label}.{fmt}"
    access_log_record(
        user=request.user,
        kind=AccessKind.EXPORT,
        area=report["areas"][0] if len(report["areas"]) == 1 else None,
        target=filename,
    )
    return _download(writer(exports.report_sheets(report)), content_type, filename)


def annual_report_context(*, area: Area, year: int) -> dict:
    """The annual report for an area's year: the latest publication, or a draft if none."""
    period = Period.financial_year(year)
    publication = services.publication_latest(area=area, year=year)
    if publication is not None:
        values = publication.figures
        threshold = publication.suppression_threshold
    else:
        values = selectors.statutory_figures(areas=[area], period=period)
        threshold = suppression_threshold()
    labels = dict(Figure.choices)
    return {
        "area": area,
        "period": period,
        "publication": publication,
        "threshold": threshold,
        "rows": [
            (labels[f], suppress(values.get(str(f), 0), threshold)) for f in STATUTORY_FIGURES
        ],
        "generated_on": timezone.localdate(),
    }


@login_required
def annual_report_view(request, slug: str, year: int):
    """The one-page PDF annual report for an area's financial year, ready to publish."""
    area = get_object_or_404(Area, slug=slug)
    if not (request.user.is_superuser or request.user.has_perm(selectors.VIEW, area)):
        raise PermissionDenied
    pdf = render_annual_report(annual_report_context(area=area, year=year))
    filename = f"asb-case-review-annual-report-{area.slug}-{Period.financial_year(year).label}.pdf"
    access_log_record(user=request.user, kind=AccessKind.EXPORT, area=area, target=filename)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET"])
def publish_list_view(request):
    """Each area the user may publish for: its publications, and a button per year."""
    areas = list(selectors.areas_for_statistics(user=request.user, perm=services.PUBLISH))
    if not areas:
        raise PermissionDenied("Only a partnership admin can publish statistics.")
    return_areas = {
        a.pk
        for a in selectors.areas_for_statistics(user=request.user, perm=services.PRODUCE_RETURN)
    }
    returns_by_area = {a.pk: [] for a in areas}
    for data_return in DataReturn.objects.filter(area_id__in=return_areas).select_related(
        "area", "produced_by"
    ):
        returns_by_area[data_return.area_id].append(data_return)
    year = last_complete_financial_year()
    period = Period.financial_year(year)
    by_area = {a.pk: [] for a in areas}
    for publication in Publication.objects.filter(area__in=areas).select_related("published_by"):
        by_area[publication.area_id].append(publication)
    draft = selectors.figures_by_area(areas=areas, period=period)
    threshold = suppression_threshold()
    labels = dict(Figure.choices)
    rows = [
        {
            "area": area,
            "publications": by_area[area.pk],
            "published_years": {p.year for p in by_area[area.pk]},
            "draft": [
                (labels[f], draft[area.pk][str(f)], suppress(draft[area.pk][str(f)], threshold))
                for f in STATUTORY_FIGURES
            ],
            "form": PublishForm(initial={"year": year}, prefix=area.slug),
            "can_produce_return": area.pk in return_areas,
            "data_returns": returns_by_area[area.pk],
        }
        for area in areas
    ]
    return render(
        request,
        "reporting/publish.html",
        {
            "rows": rows,
            "period": period,
            "year": year,
            "threshold": threshold,
            "return_years": DataReturnForm().fields["year"].choices,
        },
    )


@login_required
@require_POST
def publish_view(request, slug: str):
    """Publish (or correct) an area's statutory figures for a financial year."""
    area = get_object_or_404(Area, slug=slug)
    if not (request.user.is_superuser or request.user.has_perm(services.PUBLISH, area)):
        raise PermissionDenied
    form = PublishForm(request.POST, prefix=area.slug)
    if not form.is_valid():
        messages.error(request, "Choose a financial year that has ended.")
        return redirect("reporting:publish_list")
    year = form.cleaned_data["year"]
    confirm = confirmation_page(
        request,
        title=f"Publish {area.name}'s figures for {Period.financial_year(year).label}?",
        warning="The figures go on the public page straight away. A published year is "
        "never taken down: a mistake can only be corrected by publishing again, with a note.",
        button="Publish the figures",
        back_url=reverse("reporting:publish_list"),
    )
    if confirm is not None:
        return confirm
    try:
        publication = services.publication_publish(
            area=area,
            year=form.cleaned_data["year"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except services.PublicationError as exc:
        messages.error(request, exc.message)
        return redirect("reporting:publish_list")
    messages.success(
        request,
        f"{area.name}: the {publication.year_label} figures are published on the public page.",
    )
    return redirect("reporting:publish_list")


@login_required
@require_POST
def data_return_produce_view(request, slug: str):
    """Produce (and keep) an area's data return for a financial year that has ended."""
    area = get_object_or_404(Area, slug=slug)
    if not (request.user.is_superuser or request.user.has_perm(services.PRODUCE_RETURN, area)):
        raise PermissionDenied
    form = DataReturnForm(request.POST, prefix=f"return-{area.slug}")
    if not form.is_valid():
        messages.error(request, "Choose a financial year that has ended.")
        return redirect("reporting:publish_list")
    try:
        record, created = services.data_return_produce(
            area=area, year=form.cleaned_data["year"], by=request.user
        )
    except services.DataReturnError as exc:
        messages.error(request, exc.message)
        return redirect("reporting:publish_list")
    if created:
        messages.success(
            request, f"{area.name}: the {record.year_label} data return is ready to download."
        )
    else:
        messages.success(
            request,
            f"{area.name}: nothing has changed since the {record.year_label} data return of "
            f"{long_datetime(record.produced_at)}; download that one.",
        )
    return redirect(f"{reverse('reporting:publish_list')}#returns-{area.slug}")


DATA_RETURN_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


@login_required
@require_http_methods(["GET"])
def data_return_download_view(request, pk: int, fmt: str):
    """A kept data return, exactly as produced, for the area's partnership admin."""
    if fmt not in DATA_RETURN_TYPES:
        raise Http404
    record = get_object_or_404(DataReturn.objects.select_related("area"), pk=pk)
    if not (
        request.user.is_superuser or request.user.has_perm(services.PRODUCE_RETURN, record.area)
    ):
        raise PermissionDenied
    filename = record.filename(fmt)
    access_log_record(user=request.user, kind=AccessKind.EXPORT, area=record.area, target=filename)
    text = record.json_text if fmt == "json" else record.csv_text
    return _download(text.encode("utf-8"), DATA_RETURN_TYPES[fmt], filename)


def _monitoring_from_request(request):
    forces = selectors.force_areas_for_monitoring(user=request.user)
    if not forces:
        raise PermissionDenied("You do not monitor any police force area.")
    data = request.GET.copy()
    data.setdefault("force", next(iter(forces)))
    data.setdefault("year", str(last_complete_financial_year()))
    form = MonitoringForm(data, forces=list(forces))
    if not form.is_valid():
        return form, None
    year = form.cleaned_data.get("year") or last_complete_financial_year()
    report = selectors.monitoring_for(
        user=request.user,
        force=form.cleaned_data["force"],
        periods=[Period.financial_year(y) for y in (year - 2, year - 1, year)],
    )
    return form, report


@login_required
def monitoring_view(request):
    """The Commissioner's office: every partnership in a force area; no personal data."""
    form, report = _monitoring_from_request(request)
    context = {"form": form, "report": report, "query": request.GET.urlencode()}
    if report:
        labels = dict(Figure.choices)
        context.update(_charts(report))
        context["figure_rows"] = _figure_rows(report)
        context["area_headers"] = [labels[f] for f in report["figures"]]
        context["area_rows"] = [
            (area, [values[f] for f in report["figures"]]) for area, values in report["per_area"]
        ]
    return render(request, "reporting/monitoring.html", context)


@login_required
def monitoring_export_view(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    form, report = _monitoring_from_request(request)
    if report is None:
        return redirect("reporting:monitoring")
    content_type, writer = FORMATS[fmt]
    force = report["force"].lower().replace(" ", "-")
    filename = f"asb-case-review-monitoring-{force}-{report['period'].label}.{fmt}"
    access_log_record(user=request.user, kind=AccessKind.EXPORT, target=filename)
    return _download(writer(exports.report_sheets(report)), content_type, filename)


# -- public pages (no login) -------------------------------------------------------------


def public_index_view(request):
    """Areas that have published statistics."""
    areas = Area.objects.filter(publications__isnull=False).distinct().order_by("name")
    return render(request, "reporting/public_index.html", {"areas": areas})


def public_area_view(request, slug: str):
    """An area's published statutory figures, one row per published year, suppressed."""
    area = get_object_or_404(Area, slug=slug)
    latest: dict[int, Publication] = {}
    history: dict[int, list[Publication]] = {}
    for publication in Publication.objects.filter(area=area).order_by("year", "published_at", "id"):
        latest[publication.year] = publication
        history.setdefault(publication.year, []).append(publication)
    years = [
        {"publication": latest[y], "rows": latest[y].public_rows(), "history": history[y]}
        for y in sorted(latest, reverse=True)
    ]
    return render(
        request,
        "reporting/public_area.html",
        {
            "area": area,
            "years": years,
            "labels": [label for f, label in Figure.choices if f in STATUTORY_FIGURES],
        },
    )
