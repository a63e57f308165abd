"""Generate a synthetic population straight into the registry (or into Parquet files)."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from huimin.core.audit import audit_record
from huimin.core.errors import ValidationFailed
from huimin.core.models import Region
from huimin.registry.bulk import loader
from huimin.registry.models import Household


@dataclass
class Generated:
    counts: dict[str, int]
    skipped: bool = False


def registry_generate(
    *, region: str, persons: int, seed: int, parquet: Path | None = None, if_empty: bool = False
) -> Generated:
    """A synthetic population for the villages under `region` (from the Region table)."""
    from huimin.registry import synthetic
    from huimin.registry.bulk.population import frames_from_synthetic

    if if_empty and parquet is None and Household.objects.exists():
        return Generated(counts={}, skipped=True)
    villages = sorted(
        Region.objects.filter(level="village", code__startswith=region).values_list(
            "code", flat=True
        )
    )
    if not villages:
        raise ValidationFailed(
            f"no villages under {region!r} in the region table: run `huimin load_regions` first",
            field="region",
        )
    if persons < 1:
        raise ValidationFailed("--persons must be at least 1", field="persons")
    population = synthetic.generate(villages, persons=persons, seed=seed)
    if parquet is not None:
        synthetic.write_parquet(population, parquet)
        return Generated(counts={"households": population.households.height, "persons": persons})
    frames = frames_from_synthetic(population)
    with transaction.atomic():
        written = loader.write_new(
            frames, actor=None, as_of=population.as_of, reason="generate", note=f"seed {seed}"
        )
        audit_record(
            actor=None,
            action="registry.generate",
            object_type="population",
            object_id=f"seed {seed}",
            region_code=region,
            changes={"seed": seed, **written.counts},
        )
    return Generated(counts=written.counts)
