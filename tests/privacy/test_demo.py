import io
import json

import pytest
from pypdf import PdfReader

from cases.demo import DEMO_VICTIM_NAMES
from cases.models import Case
from partnerships.models import User
from privacy import services
from privacy.demo import DEMO_SUBJECT
from privacy.models import SubjectAccessRequest
from tests.demo_data import load_demo


@pytest.mark.django_db
def test_the_demo_persons_export_holds_her_records_and_no_other_demo_victim():
    load_demo()
    load_demo()
    sar = SubjectAccessRequest.objects.get()
    admin = User.objects.get(username="hertsmere.admin")
    matches = services.sar_search(sar=sar, by=admin)
    her_case = Case.objects.get(area=sar.area, victim__name=DEMO_SUBJECT["name"])
    assert {m.case_reference for m in matches} == {her_case.reference}
    sar = services.sar_confirm(sar=sar, by=admin, keys=[m.key for m in matches if m.strong])
    as_json = services.sar_export(sar=sar, by=admin, fmt="json").content.decode()
    pdf = services.sar_export(sar=sar, by=admin, fmt="pdf").content
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    data = json.loads(as_json)
    assert her_case.incidents.count() == sum(
        1 for r in data["records"] if r["record"] == "Incident report"
    )
    assert data["police_records"] >= 1
    others = [n for n in DEMO_VICTIM_NAMES if n != DEMO_SUBJECT["name"]]
    for document in (as_json, pdf_text):
        assert DEMO_SUBJECT["name"] in document and DEMO_SUBJECT["email"] in document
        for name in others:
            assert name not in document and name.split()[0] not in document, name
        for other in Case.objects.filter(area=sar.area).exclude(pk=her_case.pk):
            assert other.reference not in document
