import io

import pytest

from public import demo
from public.models import TrackingLink
from tests.factories import receive_case

pytestmark = pytest.mark.django_db


def test_demo_links_are_idempotent_and_open_the_tracking_page(area, officer, client):
    case = receive_case(area=area, by=officer)
    demo.load_demo(io.StringIO())
    demo.load_demo(io.StringIO())
    assert TrackingLink.objects.filter(case=case).count() == 1
    assert client.get(f"/track/{demo.demo_token(case.reference)}/").status_code == 200
