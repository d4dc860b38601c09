import pytest
from django.core.management import CommandError, call_command

from tests.letters.factories import case_in_state
from tests.letters.test_letters import pdf_text

pytestmark = pytest.mark.django_db


def test_render_letter_writes_the_pdf(area, officer, tmp_path):
    case = case_in_state(area=area, by=officer, state="gathering_information")
    out = tmp_path / "cr1.pdf"
    call_command("render_letter", case=case.reference, letter="CR1", out=str(out))
    assert "We have your application" in pdf_text(out.read_bytes())
    call_command("render_letter", case=case.reference, letter="cr5", out=str(out))
    assert "Agency response form" in pdf_text(out.read_bytes())
    call_command("render_letter", case=case.reference, letter="chairs_pack", out=str(out))
    assert "Chair's pack" in pdf_text(out.read_bytes())
    with pytest.raises(CommandError):
        call_command("render_letter", case=case.reference, letter="CR9", out=str(out))
    with pytest.raises(CommandError):
        call_command("render_letter", case="NOPE-1", letter="CR1", out=str(out))
