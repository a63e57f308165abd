"""The figures of a simulation, from one frame of household outcomes (Polars and numpy).

The outcomes frame has one row per household: `weight` (households it stands for; 1 outside a
survey), `members`, `income_fen` (the household's own monthly income before any assistance),
`region_code`, `household_type`, `base_fen` and `reform_fen` (the month's assistance in the
programs simulated, before and after), and `base_<program>` / `reform_<program>` per program.

Conventions, one place (tests pin each against hand-computed values):
- distributional figures count persons: a household weighs `weight x members`; households with
  no members that month are left out of them (they still count in costs);
- per-capita income is `income / members`; after assistance `(income + benefit) / members`;
- deciles rank persons by per-capita income before assistance; tied incomes fall in the same
  decile, the one their share of persons strictly poorer points to (so with many zero incomes
  the first deciles may hold more than a tenth and the next ones none);
- FGT(alpha) = mean over persons of ((line - y) / line)^alpha for y < line, else 0;
- Gini = sum_i sum_j w_i w_j |y_i - y_j| / (2 W^2 mean), computed from the Lorenz curve;
  None when every income is zero;
- winners and losers compare a household's assistance after with before; the change is shown
  per household (mean over households of the group, weighted);
- money figures are integer fen (weighted sums rounded half up once, at the end).
"""

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import polars as pl

GROUPS = 10


def _half_up(value: float) -> int:
    return int(np.floor(value + 0.5))


# --- distribution primitives -----------------------------------------------------------------


def decile_of(
    y: np.ndarray, w: np.ndarray, groups: int = GROUPS, order: np.ndarray | None = None
) -> np.ndarray:
    """Group 1..groups of each unit by y, weighted by w; ties share the group of the share of
    weight strictly below them. `order`: y's ascending order, when already known."""
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    total = w.sum()
    if total <= 0:
        return np.ones(len(y), dtype=np.int64)
    if order is None:
        order = np.argsort(y)  # ties are placed by value below, whatever their order
    sorted_y = y[order]
    cumulative = np.cumsum(w[order])
    # weight strictly below each distinct value: the cumulative weight before its first unit
    first = _first_of_run(sorted_y)
    below = np.where(first > 0, cumulative[first - 1], 0.0)
    share = below / total
    group_sorted = np.minimum(np.floor(share * groups + 1e-12).astype(np.int64) + 1, groups)
    group = np.empty(len(y), dtype=np.int64)
    group[order] = group_sorted
    return group


def _first_of_run(sorted_y: np.ndarray) -> np.ndarray:
    """For each position of a sorted array, where its run of equal values begins (what
    `searchsorted(side="left")` gives, in one pass instead of a search per unit)."""
    positions = np.arange(len(sorted_y))
    starts = np.ones(len(sorted_y), dtype=bool)
    starts[1:] = sorted_y[1:] != sorted_y[:-1]
    return np.maximum.accumulate(np.where(starts, positions, 0))


def fgt(y: np.ndarray, w: np.ndarray, line: float, alpha: int) -> float:
    w = np.asarray(w, dtype=np.float64)
    total = w.sum()
    if total <= 0:
        return 0.0
    gap = np.clip((line - np.asarray(y, dtype=np.float64)) / line, 0.0, None)
    poor = np.asarray(y) < line
    terms = np.where(poor, gap**alpha if alpha else 1.0, 0.0)
    return float((w * terms).sum() / total)


def lorenz(
    y: np.ndarray, w: np.ndarray, order: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative shares of persons and of income at every unit, poorest first, from (0, 0)."""
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if order is None:
        order = np.argsort(y)  # the order among equal incomes does not change the curve
    weights, incomes = w[order], y[order] * w[order]
    people = np.concatenate([[0.0], np.cumsum(weights)])
    money = np.concatenate([[0.0], np.cumsum(incomes)])
    if people[-1] <= 0 or money[-1] <= 0:
        return people / max(people[-1], 1.0), np.zeros_like(money)
    return people / people[-1], money / money[-1]


def gini(y: np.ndarray, w: np.ndarray) -> float | None:
    return _gini_of(*lorenz(y, w))


def _gini_of(p: np.ndarray, share: np.ndarray) -> float | None:
    if len(p) < 2 or share[-1] <= 0:
        return None
    area = float(np.sum((p[1:] - p[:-1]) * (share[1:] + share[:-1])))
    return 1.0 - area


def lorenz_points(y: np.ndarray, w: np.ndarray, points: int = GROUPS) -> list[list[float]]:
    """The curve at population shares 0, 1/points, ..., 1 (linear between units)."""
    return _points_of(*lorenz(y, w), points)


def _points_of(p: np.ndarray, share: np.ndarray, points: int = GROUPS) -> list[list[float]]:
    grid = np.linspace(0.0, 1.0, points + 1)
    values = np.interp(grid, p, share) if share[-1] > 0 else np.zeros_like(grid)
    return [[round(float(a), 6), round(float(b), 6)] for a, b in zip(grid, values, strict=True)]


# --- the figures of a simulation -------------------------------------------------------------


def _weighted_fen(values: pl.Expr) -> pl.Expr:
    return (values.cast(pl.Float64) * pl.col("weight")).sum()


def _money_table(outcomes: pl.DataFrame, by: str) -> list[dict[str, Any]]:
    table = (
        outcomes.group_by(by)
        .agg(
            pl.len().alias("households"),
            pl.col("weight").sum().alias("weighted_households"),
            _weighted_fen(pl.col("base_fen")).alias("baseline_fen"),
            _weighted_fen(pl.col("reform_fen")).alias("reform_fen"),
        )
        .sort(by)
    )
    return [_money_row(row) for row in table.iter_rows(named=True)]


def _money_row(row: dict[str, Any]) -> dict[str, Any]:
    base, reform = _half_up(row.pop("baseline_fen")), _half_up(row.pop("reform_fen"))
    row["weighted_households"] = round(float(row["weighted_households"]), 3)
    return {**row, "baseline_fen": base, "reform_fen": reform, "change_fen": reform - base}


def cost(outcomes: pl.DataFrame, programs: Sequence[str], months: int = 1) -> dict[str, Any]:
    """Monthly cost (of `months` months averaged) and yearly (x 12), total and by program,
    county and household type."""
    columns = ["base_fen", "reform_fen"]
    for name in programs:
        columns += [f"base_{name}", f"reform_{name}"]
    # every total in one query
    totals = outcomes.select(_weighted_fen(pl.col(column)) for column in columns).row(0, named=True)
    base, reform = _half_up(totals["base_fen"]), _half_up(totals["reform_fen"])
    by_program = []
    for name in programs:
        b, r = totals[f"base_{name}"], totals[f"reform_{name}"]
        by_program.append(
            {
                "program": name,
                "baseline_fen": _half_up(b),
                "reform_fen": _half_up(r),
                "change_fen": _half_up(r) - _half_up(b),
            }
        )
    counties = outcomes.with_columns(pl.col("region_code").str.slice(0, 6).alias("region"))
    return {
        "months": months,
        "monthly": {"baseline_fen": base, "reform_fen": reform, "change_fen": reform - base},
        "yearly": {
            "baseline_fen": base * 12,
            "reform_fen": reform * 12,
            "change_fen": (reform - base) * 12,
        },
        "by_program": by_program,
        "by_region": _money_table(counties, "region"),
        "by_household_type": _money_table(outcomes, "household_type"),
    }


def with_distribution(outcomes: pl.DataFrame) -> pl.DataFrame:
    """Households with members, with per-capita incomes, person weights and deciles."""
    wanted = ["weight", "members", "income_fen", "household_type", "base_fen", "reform_fen"]
    people = outcomes.select(wanted).filter(pl.col("members") > 0)
    members = pl.col("members").cast(pl.Float64)
    people = people.with_columns(
        (pl.col("weight") * members).alias("person_weight"),
        (pl.col("income_fen") / members).alias("pc_pre"),
        ((pl.col("income_fen") + pl.col("base_fen")) / members).alias("pc_base"),
        ((pl.col("income_fen") + pl.col("reform_fen")) / members).alias("pc_reform"),
    )
    pre = people["pc_pre"].to_numpy()
    order = people["pc_pre"].arg_sort().to_numpy()  # Polars sorts on every core, numpy on one
    deciles = decile_of(pre, people["person_weight"].to_numpy(), order=order)
    # one sort by income before assistance serves the deciles and that income's Lorenz curve
    return people.with_columns(
        pl.Series("decile", deciles, dtype=pl.Int64), pl.Series("pre_order", order)
    )


def winners_losers(people: pl.DataFrame, by: str) -> list[dict[str, Any]]:
    change = pl.col("reform_fen") - pl.col("base_fen")
    table = (
        people.group_by(by)
        .agg(
            pl.len().alias("households"),
            pl.col("weight").filter(change > 0).sum().alias("winners"),
            pl.col("weight").filter(change < 0).sum().alias("losers"),
            pl.col("weight").filter(change == 0).sum().alias("unchanged"),
            (change.cast(pl.Float64) * pl.col("weight")).sum().alias("change"),
            pl.col("weight").sum().alias("weighted_households"),
        )
        .sort(by)
    )
    rows = []
    for row in table.iter_rows(named=True):
        weight = row.pop("weighted_households")
        total_change = row.pop("change")
        rows.append(
            {
                **row,
                "winners": round(float(row["winners"]), 3),
                "losers": round(float(row["losers"]), 3),
                "unchanged": round(float(row["unchanged"]), 3),
                "mean_change_fen": _half_up(total_change / weight) if weight > 0 else 0,
            }
        )
    return rows


def poverty(people: pl.DataFrame, line: int) -> dict[str, Any]:
    w = people["person_weight"].to_numpy()
    out: dict[str, Any] = {"line_fen": line}
    for label, column in (
        ("pre_transfer", "pc_pre"),
        ("baseline", "pc_base"),
        ("reform", "pc_reform"),
    ):
        y = people[column].to_numpy()
        out[label] = {f"fgt{a}": round(fgt(y, w, line, a), 8) for a in (0, 1, 2)}
    return out


def inequality(people: pl.DataFrame) -> dict[str, Any]:
    w = people["person_weight"].to_numpy()
    out: dict[str, Any] = {"gini": {}, "lorenz": {}}
    order = people["pre_order"].to_numpy()
    for label, column in (
        ("pre_transfer", "pc_pre"),
        ("baseline", "pc_base"),
        ("reform", "pc_reform"),
    ):
        y = people[column].to_numpy()
        if column != "pc_pre":  # that order is the one the deciles sorted
            # incomes after assistance lie almost in the order of the previous column's: a
            # stable sort (runs merged) from that order is a fraction of a fresh sort
            order = order[np.argsort(y[order], kind="stable")]
        curve = lorenz(y, w, order=order)
        value = _gini_of(*curve)
        out["gini"][label] = None if value is None else round(value, 8)
        out["lorenz"][label] = _points_of(*curve)
    return out


def targeting(people: pl.DataFrame, line: int, need: str) -> dict[str, Any]:
    """Against the need measure: errors of inclusion and exclusion (shares of persons),
    coverage of the poorest decile and quintile, and the share of spending reaching the
    poorest 20% (deciles 1 and 2)."""
    w = people["person_weight"].to_numpy()
    decile = people["decile"].to_numpy()
    needy = people["pc_pre"].to_numpy() < line if need == "poverty_line" else decile <= 2
    out: dict[str, Any] = {"need": need}
    for label, column in (("baseline", "base_fen"), ("reform", "reform_fen")):
        benefit = people[column].to_numpy().astype(np.float64)
        household_w = people["weight"].to_numpy()
        got = benefit > 0
        out[label] = {
            "inclusion_error": _share(w, got & ~needy, got),
            "exclusion_error": _share(w, needy & ~got, needy),
            "coverage_poorest_decile": _share(w, got & (decile == 1), decile == 1),
            "coverage_poorest_quintile": _share(w, got & (decile <= 2), decile <= 2),
            "spending_share_poorest_20": _ratio(
                (benefit * household_w)[decile <= 2].sum(), (benefit * household_w).sum()
            ),
        }
    return out


def _share(w: np.ndarray, part: np.ndarray, whole: np.ndarray) -> float | None:
    return _ratio(w[part].sum(), w[whole].sum())


def _ratio(part: float, whole: float) -> float | None:
    return round(float(part / whole), 8) if whole > 0 else None


def recipients(units: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows given by the run: program, level, baseline, reform, gained, lost (weighted)."""
    return [
        {k: (round(float(v), 3) if isinstance(v, float) else v) for k, v in row.items()}
        for row in units
    ]


def bootstrap(people: pl.DataFrame, *, resamples: int, line: int, seed: int = 0) -> dict[str, Any]:
    """95% percentile intervals of the main figures, households resampled with replacement
    (a weighted sample's households keep their weights)."""
    rng = np.random.default_rng(seed)
    n = people.height
    w = people["weight"].to_numpy()
    members = people["members"].to_numpy().astype(np.float64)
    base, reform = people["base_fen"].to_numpy(), people["reform_fen"].to_numpy()
    y = people["pc_reform"].to_numpy()
    order = np.argsort(y, kind="stable")
    figures: dict[str, list[float]] = {
        k: [] for k in ("baseline_fen", "reform_fen", "change_fen", "fgt0_reform", "gini_reform")
    }
    for _ in range(resamples):
        counts = np.bincount(rng.integers(0, n, n), minlength=n).astype(np.float64)
        weight = w * counts
        b, r = float((weight * base).sum()), float((weight * reform).sum())
        figures["baseline_fen"].append(b)
        figures["reform_fen"].append(r)
        figures["change_fen"].append(r - b)
        pw = weight * members
        figures["fgt0_reform"].append(fgt(y, pw, line, 0))
        g = _gini_sorted(y[order], pw[order])
        figures["gini_reform"].append(np.nan if g is None else g)
    out: dict[str, Any] = {"resamples": resamples}
    for key, values in figures.items():
        low, high = np.nanpercentile(values, [2.5, 97.5]) if values else (np.nan, np.nan)
        if key.endswith("_fen"):
            out[key] = [_half_up(low), _half_up(high)]
        else:
            out[key] = [round(float(low), 8), round(float(high), 8)]
    return out


def _gini_sorted(y: np.ndarray, w: np.ndarray) -> float | None:
    people = np.concatenate([[0.0], np.cumsum(w)])
    money = np.concatenate([[0.0], np.cumsum(y * w)])
    if people[-1] <= 0 or money[-1] <= 0:
        return None
    p, s = people / people[-1], money / money[-1]
    return 1.0 - float(np.sum((p[1:] - p[:-1]) * (s[1:] + s[:-1])))


def all_metrics(
    outcomes: pl.DataFrame,
    *,
    programs: Sequence[str],
    line: int,
    need: str,
    months: int = 1,
    resamples: int = 0,
) -> dict[str, Any]:
    people = with_distribution(outcomes)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # numpy's sorts for the Lorenz curves let go of the interpreter: they run on the other
        # core while the tables are made
        curves = pool.submit(inequality, people)
        costs = cost(outcomes, programs, months)
        by_decile = winners_losers(people, "decile")
        by_household_type = winners_losers(people, "household_type")
        poor = poverty(people, line)
        reach = targeting(people, line, need)
        figures: dict[str, Any] = {
            "cost": costs,
            "winners_losers": {"by_decile": by_decile, "by_household_type": by_household_type},
            "poverty": poor,
            "inequality": curves.result(),
            "targeting": reach,
        }
    if resamples:
        figures["intervals"] = bootstrap(people, resamples=resamples, line=line)
    return figures


# --- small cells ------------------------------------------------------------------------------

SUPPRESSED = None
_TABLES = (
    ("cost", "by_region"),
    ("cost", "by_household_type"),
    ("winners_losers", "by_decile"),
    ("winners_losers", "by_household_type"),
)


def suppress_small_cells(
    figures: dict[str, Any], *, min_cell: int, region_visible: Any = None
) -> dict[str, Any]:
    """A copy of the figures in which every table row resting on fewer than `min_cell`
    households has its figures blanked (None), keeping only its label. `region_visible(code)`
    says which regions the reader may see in full (their own jurisdiction); rows of the region
    table inside it are kept, and the other tables are kept whole only when every region is."""
    import copy

    out = copy.deepcopy(figures)
    for section, table in _TABLES:
        rows = out.get(section, {}).get(table, [])
        for row in rows:
            if row.get("households", 0) >= min_cell:
                continue
            if region_visible is not None:
                if table == "by_region" and region_visible(row["region"]):
                    continue
                if table != "by_region" and region_visible(None):
                    continue
            for key in list(row):
                if key not in ("region", "household_type", "decile"):
                    row[key] = SUPPRESSED
            row["suppressed"] = True
    return out
