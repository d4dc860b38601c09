"""The shapes the API reads and writes (also what the OpenAPI schema documents)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.constants import MAX_INCIDENTS_PER_CALL
from thresholds.importing import COLUMNS

_HELP = {name: text for name, _, text in COLUMNS}


class IncidentRowSerializer(serializers.Serializer):
    """One incident as the agency's system holds it (the incident import's columns).
    Documentation only: rows are checked one by one by the import's rules, so one bad row
    never refuses the others."""

    reference = serializers.CharField(max_length=100, help_text=_HELP["reference"])
    incident_date = serializers.CharField(help_text=_HELP["incident_date"])
    reported_date = serializers.CharField(required=False, help_text=_HELP["reported_date"])
    complainant_key = serializers.CharField(max_length=200, help_text=_HELP["complainant_key"])
    description = serializers.CharField(max_length=10_000, help_text=_HELP["description"])
    kind = serializers.ChoiceField(
        choices=["report", "diary_sheet"], required=False, help_text=_HELP["kind"]
    )
    issue = serializers.CharField(max_length=200, required=False, help_text=_HELP["issue"])
    location = serializers.CharField(max_length=300, required=False, help_text=_HELP["location"])
    postcode = serializers.CharField(max_length=10, required=False, help_text=_HELP["postcode"])
    building = serializers.CharField(max_length=200, required=False, help_text=_HELP["building"])
    uprn = serializers.CharField(max_length=20, required=False, help_text=_HELP["uprn"])
    hate_motivated = serializers.BooleanField(required=False, help_text=_HELP["hate_motivated"])
    area = serializers.CharField(
        required=False, help_text="Area slug; defaults to the area the credential is for."
    )
    same_incident_as = serializers.CharField(required=False, help_text=_HELP["same_incident_as"])


class IncidentSubmissionSerializer(serializers.Serializer):
    incidents = IncidentRowSerializer(
        many=True,
        help_text=f"Up to {MAX_INCIDENTS_PER_CALL:,} incidents; send more in several calls.",
    )


class RowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the row in 'incidents', from 0.")
    field = serializers.CharField()
    message = serializers.CharField(help_text="In plain English.")


class IncidentSubmissionResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="New incidents added to the log.")
    updated = serializers.IntegerField(help_text="References sent before, now changed.")
    unchanged = serializers.IntegerField(help_text="References sent before, the same as now.")
    refused = serializers.IntegerField(help_text="Rows not stored; see 'errors'.")
    errors = RowErrorSerializer(many=True)


class DeadlineSerializer(serializers.Serializer):
    what = serializers.CharField(source="rule", help_text="The procedure's words for the rule.")
    due = serializers.DateField()
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, deadline) -> bool:
        return deadline.is_overdue()


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    what = serializers.CharField()
    agency = serializers.CharField(source="agency.slug", help_text="The owning agency.")
    due_on = serializers.DateField()
    status = serializers.CharField(source="get_status_display")


class CaseSerializer(serializers.Serializer):
    reference = serializers.CharField()
    area = serializers.CharField(source="area.slug")
    state = serializers.CharField(help_text="The state's code, stable for programs.")
    status = serializers.CharField(source="get_state_display", help_text="The state in words.")
    received_on = serializers.DateField()
    next_deadline = serializers.SerializerMethodField()
    outstanding_actions = ActionSerializer(many=True)

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_next_deadline(self, case):
        live = case.live_deadlines
        return DeadlineSerializer(live[0]).data if live else None


class CompletionSerializer(serializers.Serializer):
    completion_report = serializers.CharField(
        max_length=10_000, help_text="What was done, for the administering body to accept."
    )


class CompletionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class FigureSerializer(serializers.Serializer):
    figure = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(help_text="As published: small counts read 'fewer than N'.")


class StatisticsSerializer(serializers.Serializer):
    area = serializers.CharField()
    area_name = serializers.CharField()
    year = serializers.IntegerField(help_text="Financial year starting 1 April of this year.")
    year_label = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    published_on = serializers.DateField()
    corrected_on = serializers.DateField(allow_null=True)
    correction_note = serializers.CharField(allow_blank=True)
    figures = FigureSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
