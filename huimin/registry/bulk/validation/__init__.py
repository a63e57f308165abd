"""The dry run: every wrong cell of an import file, named by row, column and a plain reason.

Set-based: each check is a Polars expression over the whole file, so a million rows take seconds.
The only per-value Python work is the keyed hash of each identity number (needed to find people
already registered). The identity number's check digit is `stdnum.cn.ric`'s, vectorized in numpy
(the tests hold the two against each other); like registry.validation, the birth-place check is
left out, because the address code is where the number was issued, often years after birth.

A household is the unit of import: if any of its rows is wrong, none of them is imported, because a
household missing one member would show a wrong income per person. The other rows say why.

The checks live in modules by their kind; this package re-exports what callers use.
"""

from huimin.registry.bulk.validation._frames import ERROR_SCHEMA
from huimin.registry.bulk.validation.dry_run import check_file
from huimin.registry.bulk.validation.identity import ID_CHECK_CHARS, ID_WEIGHTS, id_checksum_ok
from huimin.registry.bulk.validation.outcome import CheckResult

__all__ = [
    "ERROR_SCHEMA",
    "ID_CHECK_CHARS",
    "ID_WEIGHTS",
    "CheckResult",
    "check_file",
    "id_checksum_ok",
]
