"""Post-payment verification (抽查回访): how many paid recipients to call or visit, which ones, and
how sure the office can be afterwards that the money arrived.

- `sample_size(population, confidence=0.95, margin=0.03, p=0.5)`: Cochran's size for estimating a
  share, n0 = z² p (1 - p) / e², with the finite population correction n = n0 / (1 + (n0 - 1) / N),
  rounded up; or `sample_size_share(population, share)` for a fixed share (e.g. 5%).
- `sample_allocate(strata, size)`: the sample split over villages in proportion to their paid
  recipients (largest remainders), at least one from every village that has any, never more than a
  village has, adding up exactly to the size.
- `sample_draw(units, allocation, seed)`: which recipients, reproducibly: each unit's rank is the
  SHA-256 of the seed and its id, and a village's sample is its lowest ranks. Anyone with the seed
  can redo the draw; the order units are given in does not matter.
- `wilson_interval(problems, sampled, confidence)`: the share of problem payments found, with its
  Wilson score interval (sound near 0%, where most cycles are).

Pure Python; the payments app records the draw and the outcome of each call or visit.
"""

import hashlib
import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist

from django.utils.translation import gettext as _

from huimin.core.errors import ValidationFailed


def z_score(confidence: float) -> float:
    """The two-sided standard normal quantile: 1.959964 for 95%."""
    if not 0 < confidence < 1:
        raise ValidationFailed(
            _("The confidence level must be between 0 and 1 (e.g. 0.95)."), field="confidence"
        )
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def sample_size(
    population: int, *, confidence: float = 0.95, margin: float = 0.03, p: float = 0.5
) -> int:
    """How many of `population` paid recipients to check to estimate a share within `margin`."""
    _population_check(population)
    if not 0 < margin < 1:
        raise ValidationFailed(
            _("The margin of error must be between 0 and 1 (e.g. 0.03)."), field="margin"
        )
    if not 0 < p < 1:
        raise ValidationFailed(
            _("The expected share must be between 0 and 1 (0.5 when unknown)."), field="p"
        )
    if population == 0:
        return 0
    z = z_score(confidence)
    n0 = z * z * p * (1 - p) / (margin * margin)
    n = n0 / (1 + (n0 - 1) / population)
    # A hair of floating-point error must not add a whole person: round to 9 places first.
    return min(population, math.ceil(round(n, 9)))


def sample_size_share(population: int, share: float) -> int:
    """A fixed share of the population, rounded up (at least one when there is anyone)."""
    _population_check(population)
    if not 0 < share <= 1:
        raise ValidationFailed(
            _("The share to check must be more than 0 and at most 1 (e.g. 0.05)."), field="share"
        )
    return min(population, math.ceil(round(population * share, 9)))


def _population_check(population: int) -> None:
    if population < 0:
        raise ValidationFailed(_("The number of paid recipients cannot be negative."))


def sample_allocate(strata: Mapping[str, int], size: int) -> dict[str, int]:
    """`size` split over the strata (village code -> paid recipients), exactly.

    Every non-empty stratum gets at least one and none more than it has; so the total is `size`
    raised to the number of non-empty strata, and capped at the population.
    """
    if any(count < 0 for count in strata.values()):
        raise ValidationFailed(_("The number of paid recipients cannot be negative."))
    present = {key: count for key, count in strata.items() if count > 0}
    allocation = dict.fromkeys(strata, 0)
    population = sum(present.values())
    if not present:
        return allocation
    size = max(len(present), min(size, population))
    quota = {key: size * count / population for key, count in present.items()}
    for key, count in present.items():
        allocation[key] = min(count, max(1, math.floor(quota[key])))
    # Ties are broken by the stratum key, so the same input always gives the same split.
    left = size - sum(allocation.values())
    while left > 0:
        candidates = [key for key in present if allocation[key] < present[key]]
        key = max(candidates, key=lambda key: (quota[key] - allocation[key], _reverse(key)))
        allocation[key] += 1
        left -= 1
    while left < 0:
        candidates = [key for key in present if allocation[key] > 1]
        key = min(candidates, key=lambda key: (quota[key] - allocation[key], key))
        allocation[key] -= 1
        left += 1
    return allocation


def _reverse(key: str) -> tuple[int, ...]:
    # max() on the negated code points picks the smallest key among equals.
    return tuple(-ord(char) for char in key)


def sample_rank(seed: str | int, unit: Hashable) -> str:
    return hashlib.sha256(f"{seed}:{unit}".encode()).hexdigest()


def sample_draw(
    units: Mapping[str, Iterable[Hashable]], allocation: Mapping[str, int], *, seed: str | int
) -> dict[str, list[Hashable]]:
    """The units drawn in each stratum: its `allocation[stratum]` lowest ranks for this seed."""
    drawn: dict[str, list[Hashable]] = {}
    for stratum, members in units.items():
        want = allocation.get(stratum, 0)
        ranked = sorted(set(members), key=lambda unit: (sample_rank(seed, unit), str(unit)))
        if want > len(ranked):
            raise ValidationFailed(
                _("Village %(village)s has %(count)s paid recipients; %(want)s cannot be drawn.")
                % {"village": stratum, "count": len(ranked), "want": want}
            )
        drawn[stratum] = ranked[:want]
    return drawn


@dataclass(frozen=True)
class ShareEstimate:
    """The share of problem payments among those checked, and its Wilson interval."""

    problems: int
    sampled: int
    confidence: float
    share: float
    low: float
    high: float


def wilson_interval(problems: int, sampled: int, *, confidence: float = 0.95) -> ShareEstimate:
    """The Wilson score interval for `problems` found among `sampled` checked payments."""
    if sampled <= 0 or not 0 <= problems <= sampled:
        raise ValidationFailed(
            _("The problems found must be between 0 and the number checked, which must be above 0.")
        )
    z = z_score(confidence)
    share = problems / sampled
    z2n = z * z / sampled
    centre = (share + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(share * (1 - share) / sampled + z2n / (4 * sampled)) / (1 + z2n)
    return ShareEstimate(
        problems=problems,
        sampled=sampled,
        confidence=confidence,
        share=share,
        low=max(0.0, centre - half),
        high=min(1.0, centre + half),
    )
