"""The population frames every program reads: the contract between the registry and the rules.

Three Polars frames describe a population. The registry builds them from the database, the
synthetic generator writes them to Parquet, and `rules` evaluates them. Columns named here are
required; a builder may add more. Money is integer fen, dates are `pl.Date`.

Household membership is an integer code: `persons.household_idx` is the row number of the
person's household in `households`, so joins are array lookups rather than hash joins.
"""

import polars as pl

HOUSEHOLD_COLUMNS: dict[str, pl.DataType | type[pl.DataType]] = {
    "household_id": pl.Int64,  # registry primary key (stable across builds)
    "region_code": pl.Utf8,  # 12-digit village code
    "residence_type": pl.Utf8,  # "urban" | "rural" (registered residence, 户籍)
    "financial_assets_fen": pl.Int64,  # deposits + securities + debts owed to the family
    "vehicle_value_fen": pl.Int64,  # highest value of a vehicle that is not a disability vehicle
    "commercial_property_count": pl.Int32,
    "home_count": pl.Int32,
    "on_dibao": pl.Boolean,  # currently holds an approved dibao entitlement
    # Situations that only casework and relief record; 0/False/"none" when absent.
    "emergency_kind": pl.Utf8,  # "none" | "urgent" | "expenditure" (temporary assistance)
    "emergency_expense_fen": pl.Int64,
    "disaster_deaths": pl.Int32,
    "disaster_home_destroyed": pl.Boolean,
    "disaster_transitional_days": pl.Int32,  # days of transitional resettlement needed
    "disaster_winter_spring_persons": pl.Int32,
}

PERSON_COLUMNS: dict[str, pl.DataType | type[pl.DataType]] = {
    "person_id": pl.Int64,
    "household_idx": pl.UInt32,  # row number in the households frame
    "birth_date": pl.Date,
    "sex": pl.Utf8,  # "M" | "F"
    "relation": pl.Utf8,  # "head" | "spouse" | "child" | "parent" | "grandchild" | "sibling" | "other"
    "disability_category": pl.Int8,  # 1..7, null when not disabled
    "disability_grade": pl.Int8,  # 1..4 (1 most severe), null when not disabled
    "selfcare_unable_count": pl.Int8,  # of the 6 activities of daily living, how many unaided: 0..6
    "serious_illness": pl.Boolean,
    "able_to_work": pl.Boolean,
    "student": pl.Boolean,  # full-time student up to bachelor level
    "special_care_category": pl.Utf8,
    # "none" | "disabled_veteran" | "martyr_family" | "died_on_duty_family" | "veteran_in_difficulty"
    "special_care_grade": pl.Int8,  # disabled veterans: disability grade 1..10, else null
    "counted_in_family": pl.Boolean,  # False for soldiers on duty, prisoners, clergy away > 1 year
    "father_status": pl.Utf8,  # see PARENT_STATUSES
    "mother_status": pl.Utf8,
    "legal_supporter_able": pl.Boolean,  # has a legal supporter able to support them
    "in_institution": pl.Boolean,  # centralized care (welfare home, children's home)
    "death_date": pl.Date,  # null while alive
}

INCOME_COLUMNS: dict[str, pl.DataType | type[pl.DataType]] = {
    "person_idx": pl.UInt32,  # row number in the persons frame
    "income_type": pl.Utf8,  # see INCOME_TYPES
    "monthly_fen": pl.Int64,
    "valid_from": pl.Date,
    "valid_to": pl.Date,  # null while open
}

# Optional columns: a builder may leave them out and the rules fill in the default shown
# (name -> (dtype, default)). Added for the rules engine; required columns above are unchanged.
OPTIONAL_HOUSEHOLD_COLUMNS: dict[str, tuple[pl.DataType | type[pl.DataType], object]] = {
    # monthly medical and disability costs the family bears, deductible from dibao income
    "deductible_expense_fen": (pl.Int64, 0),
}

OPTIONAL_PERSON_COLUMNS: dict[str, tuple[pl.DataType | type[pl.DataType], object]] = {
    # when the parent's current status began; detention, rehabilitation and loss of contact count
    # for a child without support only after 6 months. Null = long-standing (not recorded).
    "father_status_since": (pl.Date, None),
    "mother_status_since": (pl.Date, None),
}

PARENT_STATUSES = (
    "present",
    "dead",
    "missing",
    "severely_disabled",
    "seriously_ill",
    "imprisoned",
    "drug_rehabilitation",
    "deprived_of_liberty",
)

# Whether each type counts as family income for assistance is a program parameter, not a fact
# of the type; the list here only fixes the vocabulary.
INCOME_TYPES = (
    "wages",
    "farm_net",  # farm income: last 12 months net / 12
    "business",
    "property",  # rent, interest
    "transfer_support",  # maintenance paid by relatives outside the household
    "pension_basic",  # basic old-age pension
    "pension_other",
    "special_care",  # 优抚 payments
    "family_planning_reward",
    "scholarship",
    "bravery_award",
    "social_assistance",
    "other",
)

SPECIAL_CARE_CATEGORIES = (
    "none",
    "disabled_veteran",
    "martyr_family",
    "died_on_duty_family",
    "veteran_in_difficulty",
)
