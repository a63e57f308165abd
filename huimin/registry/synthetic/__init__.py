"""A deterministic synthetic population for any set of villages, with no Django inside.

    from huimin.registry.synthetic import generate, villages_under, write_parquet

    population = generate(villages_under("5329"), persons=100_000, seed=1)
    write_parquet(population, "var/synthetic")

`generate` returns three Polars frames (households, persons, incomes) that satisfy the population
contract in `huimin.rules.schema` and carry the registry's own columns as well; the registry's
loader copies them into the database. The same villages, size, seed and reference date give the
same frames, byte for byte. Stages draw from independent named random streams (see `streams`).
"""

from datetime import date

from huimin.registry.synthetic.conditions import draw_conditions
from huimin.registry.synthetic.frames import (
    Synthetic,
    household_frame,
    income_frame,
    person_frame,
    write_parquet,
)
from huimin.registry.synthetic.households import compose
from huimin.registry.synthetic.identity import EPOCH, draw_identity
from huimin.registry.synthetic.money import (
    draw_assets,
    draw_contacts,
    draw_incomes,
    per_capita_counted_income,
)
from huimin.registry.synthetic.places import load_villages, villages_under
from huimin.registry.synthetic.streams import stream

# Ages, deaths and income dates are relative to this day unless the caller gives another; a fixed
# default (not today) keeps the output independent of when it is generated.
DEFAULT_AS_OF = date(2025, 6, 30)

__all__ = ["DEFAULT_AS_OF", "Synthetic", "generate", "villages_under", "write_parquet"]


def generate(
    village_codes: list[str], persons: int, seed: int, *, as_of: date = DEFAULT_AS_OF
) -> Synthetic:
    """A population of exactly `persons` people living in the given 12-digit villages."""
    if not village_codes:
        raise ValueError("at least one village code is needed")
    villages = load_villages(list(village_codes), seed)
    people = compose(villages, persons, stream(seed, "households"))
    conditions = draw_conditions(people, stream(seed, "conditions"))
    identity = draw_identity(people, villages, as_of, stream(seed, "identity"))
    age_days = (as_of - EPOCH).days - identity.birth_days.astype("int64")
    incomes = draw_incomes(people, conditions, villages, age_days, stream(seed, "incomes"))
    per_capita = per_capita_counted_income(people, conditions, incomes)
    assets = draw_assets(people, villages, per_capita, stream(seed, "assets"))
    contacts = draw_contacts(len(people.size), stream(seed, "contacts"))
    return Synthetic(
        households=household_frame(
            people, conditions, villages, assets, contacts, stream(seed, "addresses")
        ),
        persons=person_frame(people, conditions, identity, as_of),
        incomes=income_frame(incomes, as_of),
        seed=seed,
        as_of=as_of,
    )
