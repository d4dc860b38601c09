import io

import pytest

from letters.models import Letter
from tests.demo_data import pdfs_laid_out_once

pytestmark = pytest.mark.django_db


def test_demo_letters_are_sent_once(reference):
    from cases.demo import load_demo as load_cases
    from letters.demo import load_demo
    from thresholds.demo import decide_demo_cases

    load_cases(io.StringIO())
    decide_demo_cases()
    with pdfs_laid_out_once():
        load_demo(io.StringIO())
    count = Letter.objects.count()
    assert count > 0
    assert Letter.objects.filter(kind="CR5").exists()
    assert Letter.objects.filter(kind="CR3").exists()
    load_demo(io.StringIO())
    assert Letter.objects.count() == count
