"""During a key rotation the import still finds people whose rows carry the old blind index."""

import base64

from huimin.core import pii
from huimin.registry.models import Person
from tests.registry.factories import make_household, member
from tests.registry.test_import_dry_run import (
    csv_file,
    in_english,  # noqa: F401 - autouse fixture
    run,
)
from tests.registry.test_import_known_persons import row_for


def test_a_person_indexed_under_the_old_key_is_known_not_registered_twice(
    caseworker_a, tmp_path, settings
):
    household = make_household(caseworker_a)
    people = [member(household, "张三"), member(household, "李梅")]
    settings.HUIMIN_DATA_KEYS_OLD = [settings.HUIMIN_DATA_KEY]
    settings.HUIMIN_DATA_KEY = base64.b64encode(b"a-brand-new-key-of-32-bytes-long").decode()
    pii.reset_key_cache()
    try:
        old_index = Person.objects.get(pk=people[0].pk).id_number_index
        assert old_index != pii.blind_index(people[0].id_number), "the row still has the old index"
        rows = [row_for(people[0], ethnicity="白族"), row_for(people[1])]
        outcome = run(caseworker_a, csv_file(tmp_path, rows), mode="all")
        assert outcome.counts["persons_known"] == 2 and outcome.counts["persons_new"] == 0
        assert outcome.written["persons_created"] == 0
        assert Person.objects.count() == 2
        assert member(household, "张三").ethnicity == "14"  # 白族
    finally:
        pii.reset_key_cache()


def test_a_person_in_another_household_under_the_old_key_is_refused(
    caseworker_a, tmp_path, settings
):
    household = make_household(caseworker_a)
    other = make_household(caseworker_a, head="赵六", others=())
    spouse = member(household, "李梅")
    settings.HUIMIN_DATA_KEYS_OLD = [settings.HUIMIN_DATA_KEY]
    settings.HUIMIN_DATA_KEY = base64.b64encode(b"a-brand-new-key-of-32-bytes-long").decode()
    pii.reset_key_cache()
    try:
        row = row_for(spouse)
        row.update(household_no=other.household_no, address=other.address, relation="配偶")
        rows = [row_for(member(other, "赵六")), row]
        outcome = run(caseworker_a, csv_file(tmp_path, rows), mode="valid")
        assert any("already registered in household" in e[3] for e in outcome.errors)
        assert Person.objects.count() == 3
    finally:
        pii.reset_key_cache()
