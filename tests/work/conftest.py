import pytest

from cases.services import case_involve_agency, case_transition
from partnerships.models import Agency
from tests.factories import receive_case


@pytest.fixture
def police(reference):
    return Agency.objects.get(slug="hertfordshire-constabulary")


@pytest.fixture
def housing(reference):
    return Agency.objects.get(slug="clarion-housing")


@pytest.fixture
def received(area, officer):
    return receive_case(area=area, by=officer)


@pytest.fixture
def gathering(received, officer, police):
    """A Hertsmere case whose relevant bodies (the police) have been asked (CR5)."""
    case_involve_agency(case=received, agency=police, by=officer)
    case = case_transition(case=received, name="acknowledge", by=officer)
    return case_transition(case=case, name="start_gathering", by=officer)
