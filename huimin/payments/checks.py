"""The pre-payment checks over a whole cycle, set-based.

What the database can see is one INSERT … SELECT per check, writing the cycle's exceptions
directly (dead, not a member, shared account, review overdue, suspended, the collector's
authorization expired or revoked, a minor payee without a guardian; amount changed once per
limit, the limit being the dated regional parameter `payments.amount_change_ratio`). Months
owed from before the arrears limit are found by `arrears.months_beyond_limit`. What
needs the clear text of an identity number or an account (its check digits, whether it is
there), or the holding rules, is one read of the cycle's lines and of the accounts and numbers
involved, each decrypted once, and one bulk insert. An exception a line already has is kept
(one per line and kind), so checking again adds only what is new.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count

from huimin.casework.models import Entitlement, EntitlementStatus
from huimin.core.pii import decrypt_many, stored_rows
from huimin.payments.arrears import months_beyond_limit
from huimin.payments.models import (
    Channel,
    ExceptionKind,
    ExceptionStatus,
    LineStatus,
    PaymentException,
    PayrollCycle,
)
from huimin.programs.parameters import live_parameters
from huimin.registry.models import Household, Person
from huimin.registry.validation import id_number_is_valid
from huimin.rules.holding import may_hold_together

# Entitlements a household holds for the not-together check (as generation pays them).
HELD_STATUSES = (
    EntitlementStatus.ACTIVE,
    EntitlementStatus.GRADUAL_EXIT,
    EntitlementStatus.SUSPENDED,
)

# Each check the database answers alone: (kind, the detail's SQL, joins, condition). The
# line is `l`, its payee `p`, its household `h`, its entitlement `e`, last month's line `prev`.
SQL_CHECKS: tuple[tuple[str, str, str, str], ...] = (
    (
        ExceptionKind.DEAD,
        "CAST(p.death_date AS TEXT)",
        "JOIN registry_person p ON p.id = l.payee_id",
        "p.death_date IS NOT NULL",
    ),
    (
        ExceptionKind.SHARED_ACCOUNT,
        "''",
        "JOIN registry_household h ON h.id = l.household_id",
        "l.channel = 'bank' AND h.bank_account_index <> '' AND h.bank_account_index IN ("
        " SELECT bank_account_index FROM registry_household WHERE bank_account_index <> ''"
        " GROUP BY bank_account_index HAVING COUNT(*) > 1)",
    ),
    (
        ExceptionKind.NOT_MEMBER,
        "p.name",
        "JOIN registry_person p ON p.id = l.payee_id",
        "p.household_id <> l.household_id",
    ),
    (
        ExceptionKind.REVIEW_OVERDUE,
        "CAST(e.review_due AS TEXT)",
        "JOIN casework_entitlement e ON e.id = l.entitlement_id",
        "e.review_due IS NOT NULL AND e.review_due < %(month)s",
    ),
    (
        ExceptionKind.SUSPENDED,
        "''",
        "JOIN casework_entitlement e ON e.id = l.entitlement_id",
        "e.status = 'suspended'",
    ),
    # Who collects: the authorization the line was made with, revoked since, or ended before
    # the pay date (the first of the month paid, as in the bank file).
    (
        ExceptionKind.AUTHORIZATION_EXPIRED,
        "a.collector_name",
        "JOIN payments_collectionauthorization a ON a.id = l.authorization_id",
        "(a.revoked_at IS NOT NULL OR (a.valid_until IS NOT NULL AND a.valid_until < %(month)s))",
    ),
    # A payee under 18 on the pay date (the registry's date of birth) with no guardian recorded
    # as valid then. Legal capacity of adults is not in the registry, so it is not checked.
    (
        ExceptionKind.GUARDIAN_MISSING,
        "CAST(p.birth_date AS TEXT)",
        "JOIN registry_person p ON p.id = l.payee_id",
        "p.birth_date > %(adult_born_by)s AND NOT EXISTS ("
        " SELECT 1 FROM payments_collectionauthorization g WHERE g.payee_id = l.payee_id"
        " AND g.kind = 'guardian' AND g.revoked_at IS NULL AND g.valid_from <= %(month)s"
        " AND (g.valid_until IS NULL OR g.valid_until >= %(month)s))",
    ),
)


def _gross(line: str) -> str:
    """A line's amount before recovery instalments: what the entitlement paid that month."""
    # Only the fixed aliases of the checks below make this text; no value goes into it.
    return (
        f"({line}.amount_fen + COALESCE((SELECT SUM(d.amount_fen) FROM"  # noqa: S608
        f" payments_recoverydeduction d WHERE d.line_id = {line}.id), 0))"
    )


# Last month's amount against this month's, for the lines of some villages: the limit is a dated
# regional parameter, so the villages of one limit are checked together. Amounts before
# recovery instalments (an instalment is no change of the entitlement); an arrears line pays an
# earlier month, so last month's is not its measure.
AMOUNT_CHANGED = (
    ExceptionKind.AMOUNT_CHANGED,
    f"CAST({_gross('prev')} AS TEXT) || ' → ' || CAST({_gross('l')} AS TEXT)",
    "JOIN payments_paymentline prev ON prev.entitlement_id = l.entitlement_id"
    " AND prev.kind = 'regular' AND prev.month = %(last_month)s",
    f"l.kind <> 'arrears' AND prev.amount_fen > 0"
    f" AND ABS({_gross('l')} - {_gross('prev')}) * 1000000 > {_gross('prev')} * %(millionths)s",
)

AMOUNT_CHANGE_PARAMETER = "payments.amount_change_ratio"


def amount_change_limits(cycle: PayrollCycle) -> dict[int, list[str]]:
    """The change limit in millionths of last month's amount -> the villages of the cycle's lines
    it applies to, as the parameter stands for each village in the cycle's month."""
    parameters = live_parameters()
    limits: dict[int, list[str]] = {}
    villages = cycle.lines.order_by("region_code").values_list("region_code", flat=True)
    for village in villages.distinct():
        value = parameters.resolve(AMOUNT_CHANGE_PARAMETER, village, f"{cycle.month:%Y-%m}").value
        limits.setdefault(int(Decimal(str(value)) * 1_000_000), []).append(village)
    return limits


def cycle_problems_record(cycle: PayrollCycle, *, change_limits: dict[int, list[str]]) -> int:
    """Run every check over the cycle's lines (not the excluded), the amount's change against
    `change_limits` (`amount_change_limits`); returns the exceptions added."""
    before = PaymentException.objects.filter(cycle=cycle).count()
    _sql_checks_run(cycle, change_limits)
    PaymentException.objects.bulk_create(
        [
            PaymentException(cycle=cycle, line_id=line_id, kind=kind, detail=detail[:200])
            for line_id, kind, detail in (*_clear_text_problems(cycle), *_arrears_beyond(cycle))
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return PaymentException.objects.filter(cycle=cycle).count() - before


def _sql_checks_run(cycle: PayrollCycle, limits: dict[int, list[str]]) -> None:
    adapt = connection.ops.adapt_datefield_value
    last_month = (cycle.month - dt.timedelta(days=1)).replace(day=1)
    params: dict[str, Any] = {
        "cycle": cycle.pk,
        "open": ExceptionStatus.OPEN.value,
        "excluded": LineStatus.EXCLUDED.value,
        "month": adapt(cycle.month),
        "last_month": adapt(last_month),
        # Born after this day: not yet 18 on the first of the month paid.
        "adult_born_by": adapt(cycle.month.replace(year=cycle.month.year - 18)),
    }
    with connection.cursor() as cursor:
        for check in SQL_CHECKS:
            _check_insert(cursor, check, params)
        for millionths, villages in limits.items():
            # One limit for the whole cycle (the usual case) needs no list of villages.
            named = {f"village_{i}": village for i, village in enumerate(villages)}
            within = (
                " AND l.region_code IN (" + ", ".join(f"%({n})s" for n in named) + ")"
                if len(limits) > 1
                else ""
            )
            kind, detail, joins, condition = AMOUNT_CHANGED
            _check_insert(
                cursor,
                (kind, detail, joins, condition + within),
                {**params, **named, "millionths": millionths},
            )


def _check_insert(cursor: Any, check: tuple[str, str, str, str], params: dict[str, Any]) -> None:
    """One check as one INSERT … SELECT into the cycle's exceptions, keeping those it has."""
    kind, detail, joins, condition = check
    # On PostgreSQL an exception carries its line's month as well (migration 0012): given here,
    # its trigger need not look the line up.
    if connection.vendor == "postgresql":
        insert, conflict = "INSERT INTO", " ON CONFLICT DO NOTHING"
        month_column, month_value = ", line_month", ", l.month"
    else:
        insert, conflict = "INSERT OR IGNORE INTO", ""
        month_column, month_value = "", ""
    # Only the fixed texts above and parameter names make this statement; values are parameters.
    cursor.execute(
        f"{insert} payments_paymentexception "  # noqa: S608
        f"(cycle_id, line_id, kind, detail, status, reason{month_column}) "
        f"SELECT l.cycle_id, l.id, %(kind)s, {detail}, %(open)s, ''{month_value} "
        f"FROM payments_paymentline l {joins} "
        f"WHERE l.cycle_id = %(cycle)s AND l.status <> %(excluded)s AND {condition}"
        f"{conflict}",
        {**params, "kind": str(kind)},
    )


def _arrears_beyond(cycle: PayrollCycle) -> Iterable[tuple[int, str, str]]:
    """A regular line whose entitlement is owed months older than arrears pay: the months."""
    for line_id, months in months_beyond_limit(cycle).items():
        detail = f"{months[0]:%Y-%m} – {months[-1]:%Y-%m} ({len(months)})"
        yield line_id, ExceptionKind.ARREARS_BEYOND_LIMIT, detail


def _clear_text_problems(cycle: PayrollCycle) -> Iterable[tuple[int, str, str]]:
    """The checks that need identity numbers and accounts in clear, or the holding rules."""
    checked = cycle.lines.exclude(status=LineStatus.EXCLUDED)
    lines = list(
        checked.order_by("pk").values_list("pk", "household_id", "payee_id", "channel", "program")
    )
    if not lines:
        return
    # The payees and households as subqueries of the lines (no list of ids goes to the
    # database), read as stored and decrypted in one pass each.
    payees = stored_rows(
        Person.objects.filter(pk__in=checked.values("payee_id")).values_list("pk", "id_number")
    )
    numbers = decrypt_many([number for _pk, number in payees])
    valid_ids = {
        pk: id_number_is_valid(number) for (pk, _s), number in zip(payees, numbers, strict=True)
    }
    banked = checked.filter(channel=Channel.BANK).values("household_id")
    households = stored_rows(
        Household.objects.filter(pk__in=banked).values_list(
            "pk", "bank_account", "payee_id", "payee__name"
        )
    )
    clear = decrypt_many([account for _pk, account, _h, _n in households])
    accounts = {
        pk: (account.replace(" ", ""), holder_id, holder_name)
        for (pk, _s, holder_id, holder_name), account in zip(households, clear, strict=True)
    }
    held = _programs_held_together(cycle)
    for line_id, household, payee, channel, program in lines:
        if not valid_ids[payee]:
            yield line_id, ExceptionKind.ID_INVALID, ""
        if channel == Channel.BANK:
            yield from _account_problems(line_id, payee, accounts[household])
        others = held.get(household, set()) - {program}
        clashing = sorted(p for p in others if not may_hold_together(program, p))
        if clashing:
            yield line_id, ExceptionKind.NOT_TOGETHER, ", ".join(clashing)


def _account_problems(
    line_id: int, payee: int, account: tuple[str, int | None, str | None]
) -> Iterable[tuple[int, str, str]]:
    number, holder_id, holder_name = account
    if not number:
        yield line_id, ExceptionKind.ACCOUNT_MISSING, ""
    elif not number.isdigit() or not luhn_valid(number):
        yield line_id, ExceptionKind.ACCOUNT_INVALID, ""
    if number and holder_id is not None and holder_id != payee:
        yield line_id, ExceptionKind.HOLDER_NAME, holder_name or ""


# A digit doubled and its two digits added: 0→0, 1→2, …, 5→1 (10 → 1 + 0), …, 9→9 (18 → 1 + 8).
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    """The Luhn check digit of a string of digits (as `stdnum.luhn.is_valid`, several times
    faster: a payroll checks every account)."""
    kept, doubled = digits[-1::-2], digits[-2::-2].translate(_DOUBLED)
    return (sum(map(int, kept)) + sum(map(int, doubled))) % 10 == 0


def _programs_held_together(cycle: PayrollCycle) -> dict[int, set[str]]:
    """Household -> the programs it holds, for the cycle's households holding more than one."""
    several = (
        Entitlement.objects.filter(
            household_id__in=cycle.lines.values("household_id"), status__in=HELD_STATUSES
        )
        .values("household_id")
        .annotate(n=Count("program", distinct=True))
        .filter(n__gt=1)
        .values("household_id")
    )
    held: dict[int, set[str]] = {}
    for household, program in Entitlement.objects.filter(
        household_id__in=several, status__in=HELD_STATUSES
    ).values_list("household_id", "program"):
        held.setdefault(household, set()).add(program)
    return held
