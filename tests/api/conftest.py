import datetime as dt

import pytest
from django.utils import timezone

from api.constants import ApiPermission
from api.services import api_client_create, api_client_revoke
from panels import services as panels
from partnerships.models import Agency
from tests.panels.factories import case_ready_for_panel

ALL = list(ApiPermission.values)


def make_client(reference, *, area="hertsmere", agency="hertfordshire-constabulary", perms=ALL):
    client, secret = api_client_create(
        area=reference["areas"][area],
        agency=Agency.objects.get(slug=agency),
        name=f"{agency} system",
        permissions=perms,
        by=None,
    )
    return client, secret


@pytest.fixture
def police(reference):
    return make_client(reference)


@pytest.fixture
def auth(police):
    return {"HTTP_AUTHORIZATION": f"Bearer {police[1]}"}


@pytest.fixture
def kinds_of_caller(reference, police):
    """Every kind of caller that must be refused a call the police system may make."""
    _, revoked_secret = make_client(reference)
    api_client_revoke(client=_, by=None)
    _, no_perm = make_client(reference, perms=[ApiPermission.SUBMIT_INCIDENTS])
    return {
        "no credential": ({}, 401),
        "unknown credential": ({"HTTP_AUTHORIZATION": "Bearer asbcr_nope_x"}, 401),
        "not bearer": ({"HTTP_AUTHORIZATION": "Basic abc"}, 401),
        "revoked": ({"HTTP_AUTHORIZATION": f"Bearer {revoked_secret}"}, 401),
        "wrong permission": ({"HTTP_AUTHORIZATION": f"Bearer {no_perm}"}, 403),
    }


@pytest.fixture
def police_case(area, officer):
    """A case Hertfordshire Constabulary is involved in, with an action it owns."""
    return case_ready_for_panel(area=area, officer=officer, involve=["hertfordshire-constabulary"])


@pytest.fixture
def police_action(police_case, officer, users):
    return panels.action_add(
        case=police_case,
        by=officer,
        interim=True,
        data=panels.ActionInput(
            what="Patrol the street at night",
            why="Immediate risk",
            owner=users["hertsmere.spoc"],
            due_on=timezone.localdate() + dt.timedelta(days=14),
        ),
    )


@pytest.fixture
def other_case(area, officer):
    """A case in the same area that the police are not involved in."""
    return case_ready_for_panel(area=area, officer=officer)
