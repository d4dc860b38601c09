import pytest
from django.utils.html import escape

from partnerships.models import Agency, Area, ProcedureVersion, User
from partnerships.reference import load_reference_data

AREA_SLUGS = {
    "staffordshire",
    "hertsmere",
    "devon-and-cornwall",
    "bedford",
    "luton",
    "central-bedfordshire",
    "merton",
    "cardiff",
}


@pytest.mark.django_db
def test_reference_data_loads_the_eight_areas_and_is_idempotent():
    load_reference_data()
    counts = (
        Area.objects.count(),
        Agency.objects.count(),
        User.objects.count(),
        ProcedureVersion.objects.count(),
    )
    load_reference_data()
    assert set(Area.objects.values_list("slug", flat=True)) == AREA_SLUGS
    assert (
        Area.objects.count(),
        Agency.objects.count(),
        User.objects.count(),
        ProcedureVersion.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_bedfordshire_areas_share_one_procedure(reference):
    areas = reference["areas"]
    procedures = {areas[s].procedure.slug for s in ("bedford", "luton", "central-bedfordshire")}
    assert procedures == {"bedfordshire"}


@pytest.mark.django_db
def test_every_demo_user_can_sign_in_and_sees_their_home(client, users):
    for username in users:
        assert client.login(username=username, password="case-review-demo"), username
        response = client.get("/staff/")
        assert response.status_code == 200
        user = users[username]
        if user.agency:
            assert escape(user.agency.name) in response.content.decode()
        client.logout()
