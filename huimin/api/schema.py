"""What every route's document shares: the error body, text limits and the formats of codes.

Limits come from the model fields, so the API refuses with a 422 naming the field what the database
would refuse with a 500 (PostgreSQL) or silently store (SQLite). Every route documents the errors
it can answer with the one `ErrorOut` body that the handlers in `api.py` really send.
"""

from typing import Annotated, Any

from django.db.models import Model
from ninja import Schema
from pydantic import AfterValidator, Field

from huimin.core.errors import ValidationFailed
from huimin.core.text import NO_NUL_PATTERN, refuse_nul

# A month as the rules read it, and region codes as GB/T 2260 and the statistical codes write them.
MONTH_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"  # rules.periods: 1900-01 to 2999-12
VILLAGE_CODE_PATTERN = r"^[0-9]{12}$"
REGION_CODE_PATTERN = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$"
# The search box also takes "no place": anywhere in the caller's jurisdiction.
REGION_CODE_OR_EMPTY_PATTERN = r"^(|[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$"


class FieldErrorOut(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """Every refusal: what is wrong, the field it is about, and for 422 each invalid field."""

    detail: str
    field: str | None = None
    errors: list[FieldErrorOut] = []


def _no_nul(value: str) -> str:
    try:
        refuse_nul(value)
    except ValidationFailed as error:
        raise ValueError(error.message) from None  # pydantic reports a ValueError per field
    return value


# A string free of NUL bytes. The check is a validator rather than a pattern so that its message
# says what is wrong; the document still shows the pattern for generated clients.
Text = Annotated[str, Field(json_schema_extra={"pattern": NO_NUL_PATTERN}), AfterValidator(_no_nul)]
Month = Annotated[str, Field(pattern=MONTH_PATTERN, examples=["2026-01"])]
VillageCode = Annotated[str, Field(pattern=VILLAGE_CODE_PATTERN, examples=["532901001001"])]
RegionCode = Annotated[str, Field(pattern=REGION_CODE_PATTERN, examples=["532901"])]
RegionCodeOrEmpty = Annotated[str, Field(pattern=REGION_CODE_OR_EMPTY_PATTERN)]


def at_most(max_length: int) -> Any:
    """`Annotated[Text, at_most(50)]`: a text of at most that many characters."""
    return Field(max_length=max_length)


def as_long_as(model: type[Model], field: str) -> Any:
    """`Annotated[Text, as_long_as(Household, "address")]`: limited like the model's column."""
    return at_most(model._meta.get_field(field).max_length)  # type: ignore[union-attr,arg-type]


def errors(*codes: int, body: bool = False) -> dict[int, type[ErrorOut]]:
    """The error answers of a route: 400, 401, 403 and 422 always, plus the given codes; a route
    that reads a body may also answer 413 (larger than DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    always = {400, 401, 403, 422, *([413] if body else [])}
    return {code: ErrorOut for code in sorted({*always, *codes})}
