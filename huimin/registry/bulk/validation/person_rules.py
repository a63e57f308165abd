"""Rules within one row: the person's columns must agree with each other and with the ID.

These are `registry.validation.check_person`'s rules written as Polars expressions, so that a
whole file is checked at once; tests/registry/test_person_rules_parity.py holds the two to the same
verdict over generated people.
"""

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.registry.bulk.validation._frames import typed_errors, with_value


def person_rule_errors(typed: pl.DataFrame) -> list[pl.DataFrame]:
    today = timezone.localdate()
    c = pl.col
    id_ok = c("id_birth_date").is_not_null()
    fmt_date = c("id_birth_date").dt.strftime("%Y-%m-%d")
    sex_word = pl.when(c("id_sex") == "M").then(pl.lit("男")).otherwise(pl.lit("女"))
    return [
        typed_errors(
            typed,
            id_ok & c("birth_date").is_not_null() & (c("birth_date") != c("id_birth_date")),
            "birth_date",
            with_value(_("Disagrees with the identity number, which says %(value)s."), fmt_date),
        ),
        typed_errors(
            typed,
            id_ok & c("sex").is_not_null() & (c("sex") != c("id_sex")),
            "sex",
            with_value(_("Disagrees with the identity number, which says %(value)s."), sex_word),
        ),
        typed_errors(
            typed,
            c("disability_category").is_null() != c("disability_grade").is_null(),
            "disability_grade",
            _("Give the disability category and grade together, or leave both empty."),
        ),
        typed_errors(
            typed,
            c("special_care_grade").is_not_null()
            & (c("special_care_category") != "disabled_veteran"),
            "special_care_grade",
            _("Only a disabled veteran has a special-care disability grade."),
        ),
        typed_errors(
            typed,
            (c("counted_in_family") == False) & c("not_counted_reason").is_null(),  # noqa: E712
            "not_counted_reason",
            _("Say why this person is not counted in the family."),
        ),
        typed_errors(
            typed,
            (c("counted_in_family") == True) & c("not_counted_reason").is_not_null(),  # noqa: E712
            "counted_in_family",
            _(
                "A reason for not counting this person is given, but the person is marked as counted."
            ),
        ),
        typed_errors(
            typed,
            c("death_date").is_not_null() & (c("death_date") > today),
            "death_date",
            _("The date of death is in the future."),
        ),
        typed_errors(
            typed,
            c("death_date").is_not_null() & id_ok & (c("death_date") < c("id_birth_date")),
            "death_date",
            _("The date of death is before the date of birth."),
        ),
        *(
            typed_errors(
                typed,
                c(f"{parent}_status_since").is_not_null() & (c(f"{parent}_status") == "present"),
                f"{parent}_status_since",
                _("A date is given for a parent who is present and able: leave it empty."),
            )
            for parent in ("father", "mother")
        ),
        *(
            typed_errors(
                typed,
                c(f"{parent}_status_since").is_not_null()
                & (c(f"{parent}_status") != "present")
                & (c(f"{parent}_status_since") > today),
                f"{parent}_status_since",
                _("The date the parent's situation began is in the future."),
            )
            for parent in ("father", "mother")
        ),
        typed_errors(
            typed,
            (c("payee") == True) & c("death_date").is_not_null(),  # noqa: E712
            "payee",
            _("A person who has died cannot be the payee."),
        ),
    ]
