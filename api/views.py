"""The agencies' systems API, version 1 (docs/api.md). Credential only: no session, no
cookie, no CSRF; every call made with a credential is on the API call log."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors, serializers, services
from api.constants import MAX_INCIDENTS_PER_CALL, ApiPermission
from api.permissions import ClientHas
from asbcr.net import client_ip
from panels.constants import ActionStatus
from panels.services import PanelError, action_update
from partnerships.models import Area
from reporting.constants import STATUTORY_FIGURES, Figure
from reporting.models import Publication

MAX_BODY_BYTES = 16 * 1024 * 1024
"""The largest submission read (2,000 long incidents fit well inside)."""

ERRORS = {
    401: OpenApiResponse(serializers.ErrorSerializer, description="No credential, or revoked."),
    403: OpenApiResponse(serializers.ErrorSerializer, description="Permission not granted."),
}


class ClientView(APIView):
    """A call made by an agency's system with its credential, logged whatever the outcome."""

    permission_classes = [ClientHas]
    required_permission = ""
    logged_case = None
    logged_detail: dict | None = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request._request, "api_client_attempt", None)
        services.api_call_record(
            client=client,
            method=request.method,
            path=request.path,
            status_code=response.status_code,
            ip_address=client_ip(request),
            case=self.logged_case,
            detail=self.logged_detail,
        )
        return response


class IncidentSubmitView(ClientView):
    required_permission = ApiPermission.SUBMIT_INCIDENTS

    @extend_schema(
        summary="Submit incidents from the agency's records",
        extensions={"x-permission": ApiPermission.SUBMIT_INCIDENTS.value},
        description=(
            f"Up to {MAX_INCIDENTS_PER_CALL:,} incidents a call. Each row is checked on its "
            "own: rows that pass are stored, rows that fail are listed in 'errors' (row "
            "index, field, message) and not stored. Sending a reference again updates that "
            "incident, never adds a second. 200 if any row was stored or there was nothing "
            "to store, 400 if every row was refused, 413 if the call carries too many."
        ),
        request=serializers.IncidentSubmissionSerializer,
        responses={
            200: serializers.IncidentSubmissionResultSerializer,
            400: serializers.IncidentSubmissionResultSerializer,
            413: serializers.ErrorSerializer,
            **ERRORS,
        },
    )
    def post(self, request):
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return Response(
                {"detail": f"The call is larger than {MAX_BODY_BYTES // 2**20} MB; split it."},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        rows = request.data.get("incidents") if isinstance(request.data, dict) else None
        if not isinstance(rows, list):
            return Response(
                {"detail": "Send a JSON object with a list of incidents under 'incidents'."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if len(rows) > MAX_INCIDENTS_PER_CALL:
            return Response(
                {
                    "detail": f"{len(rows):,} incidents is more than {MAX_INCIDENTS_PER_CALL:,} "
                    "in one call; send them in several calls."
                },
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        result = services.incidents_submit(client=request.user, rows=rows)
        refused = len({e.row for e in result.errors})
        body = {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "refused": refused,
            "errors": [
                {"index": e.row, "field": e.column, "message": e.message} for e in result.errors
            ],
        }
        self.logged_detail = {k: v for k, v in body.items() if k != "errors"}
        stored = result.created + result.updated + result.unchanged
        code = status.HTTP_400_BAD_REQUEST if refused and not stored else status.HTTP_200_OK
        return Response(body, status=code)


class CaseListView(ClientView):
    required_permission = ApiPermission.READ_CASES

    @extend_schema(
        summary="Cases the agency is involved in",
        extensions={"x-permission": ApiPermission.READ_CASES.value},
        description="Status in words, the next deadline and the outstanding actions.",
        responses={200: serializers.CaseSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        cases = list(selectors.cases_for_client(client=request.user))
        self.logged_detail = {"cases": len(cases)}
        return Response(serializers.CaseSerializer(cases, many=True).data)


class CaseDetailView(ClientView):
    required_permission = ApiPermission.READ_CASES

    @extend_schema(
        summary="One case the agency is involved in",
        extensions={"x-permission": ApiPermission.READ_CASES.value},
        description="404 for a case the agency is not involved in, as for one that does not exist.",
        responses={200: serializers.CaseSerializer, 404: serializers.ErrorSerializer, **ERRORS},
    )
    def get(self, request, reference: str):
        try:
            case = selectors.case_get_for_client(client=request.user, reference=reference)
        except Http404 as exc:
            raise NotFound(str(exc)) from exc
        self.logged_case = case
        return Response(serializers.CaseSerializer(case).data)


class ActionCompletionView(ClientView):
    required_permission = ApiPermission.REPORT_ACTIONS

    @extend_schema(
        summary="Report an action complete",
        extensions={"x-permission": ApiPermission.REPORT_ACTIONS.value},
        description=(
            "For an action owned by the credential's agency. Recorded as the action "
            "owner's completion report, for the administering body to accept. 409 if the "
            "action is closed."
        ),
        request=serializers.CompletionSerializer,
        responses={
            200: serializers.CompletionResultSerializer,
            400: serializers.ErrorSerializer,
            404: serializers.ErrorSerializer,
            409: serializers.ErrorSerializer,
            **ERRORS,
        },
    )
    def post(self, request, pk: int):
        try:
            action = selectors.action_get_for_client(client=request.user, pk=pk)
        except Http404 as exc:
            raise NotFound(str(exc)) from exc
        self.logged_case = action.case
        data = serializers.CompletionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            # The owner's own system reports for the owner: the panels service's rule.
            action = action_update(
                action=action,
                by=action.owner,
                status=ActionStatus.REPORTED,
                completion_report=data.validated_data["completion_report"],
            )
        except PanelError as exc:
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        except DjangoPermissionDenied:
            return Response(
                {"detail": "The action's owner can no longer report on it."},
                status=status.HTTP_403_FORBIDDEN,
            )
        self.logged_detail = {"action": action.pk}
        return Response({"id": action.pk, "status": action.get_status_display()})


class StatisticsView(APIView):
    """The published statutory figures: what anyone may read on the public page."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="An area's published figures for a financial year",
        description="No credential needed. The latest publication, small counts suppressed.",
        auth=[],
        responses={200: serializers.StatisticsSerializer, 404: serializers.ErrorSerializer},
    )
    def get(self, request, area: str, year: int):
        area_obj = Area.objects.filter(slug=area).first()
        history = (
            list(
                Publication.objects.filter(area=area_obj, year=year).order_by("published_at", "id")
            )
            if area_obj
            else []
        )
        if not history:
            raise NotFound("No figures published for that area and year.")
        latest = history[-1]
        labels = dict(Figure.choices)
        figures = [
            {"figure": str(f), "label": labels[f], "value": shown}
            for f, (_label, shown) in zip(STATUTORY_FIGURES, latest.public_rows(), strict=True)
        ]
        body = {
            "area": area_obj.slug,
            "area_name": area_obj.name,
            "year": latest.year,
            "year_label": latest.year_label,
            "period_start": latest.period_start,
            "period_end": latest.period_end,
            "published_on": history[0].published_at.date(),
            "corrected_on": latest.published_at.date() if latest.is_correction else None,
            "correction_note": latest.note if latest.is_correction else "",
            "figures": figures,
        }
        return Response(serializers.StatisticsSerializer(body).data)


def reference_view(request):
    """A plain page of the endpoints, read from the schema (no scripts, nothing fetched)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            needs = op.get("x-permission", "")
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "permission": needs,
                    "public": not needs,
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return render(request, "api/reference.html", {"endpoints": endpoints, "info": schema["info"]})
