import pytest

from tests.onenetwork.factories import advance, draft

pytestmark = pytest.mark.django_db


def test_whole_case(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    application = advance(draft(), "licence_issued")
    assert application.state == "licence_issued"
    print(application.licence.uscc, application.licence.number)
