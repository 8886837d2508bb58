import pytest

from g60.accounts.models import User
from g60.core.demo import demo_accounts_load
from g60.onenetwork.demo import CASES, onenetwork_demo_load
from g60.onenetwork.models import Application, Licence
from g60.onenetwork.selectors import acceptance_queue, handover_list

pytestmark = pytest.mark.django_db


def test_demo_cases_are_made_once_in_their_states(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    demo_accounts_load()
    made = onenetwork_demo_load()
    assert sorted(a.state for a in made) == sorted(c.state for c in CASES)
    assert onenetwork_demo_load() == []
    assert Application.objects.count() == len(CASES)
    clerk = User.objects.get(username="clerk.jiaxing")
    ready = acceptance_queue(user=clerk)
    assert [(a.window_city_id, a.domicile_city_id) for a in ready] == [("330400", "310117")]
    assert handover_list(user=clerk).count() == 1 == Licence.objects.count()
