"""Re-encrypting personal data under the current key, in batches, after a key change.

Run with the new key in HUIMIN_DATA_KEY and the old one in HUIMIN_DATA_KEYS_OLD. Rows already
under the current key are skipped, so an interrupted rotation resumes where it stopped.
"""

from collections.abc import Callable, Iterator

from django.apps import apps
from django.db import models, transaction

from huimin.core.audit import audit_record
from huimin.core.pii import PREFIX, BlindIndexField, EncryptedTextField, current_key


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[str], list[str]]]:
    """Each model with personal data: its encrypted fields and its blind-index fields."""
    for model in apps.get_models():
        encrypted = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
        if encrypted:
            indexes = [f.name for f in model._meta.fields if isinstance(f, BlindIndexField)]
            yield model, encrypted, indexes


def rotate_all(*, batch_size: int = 1000, report: Callable[[str], None] = print) -> int:
    total = 0
    for model, encrypted, indexes in encrypted_fields():
        done = _rotate_model(model, encrypted, indexes, batch_size)
        report(f"{model._meta.label}: {done} rows re-encrypted")
        total += done
    return total


def _stale(model: type[models.Model], encrypted: list[str]) -> models.QuerySet:
    current = f"{PREFIX}.{current_key().key_id}."
    condition = models.Q()
    for name in encrypted:
        condition |= ~models.Q(**{f"{name}__startswith": current}) & ~models.Q(**{name: ""})
    return model._default_manager.filter(condition).order_by("pk")


def _rotate_model(
    model: type[models.Model], encrypted: list[str], indexes: list[str], batch_size: int
) -> int:
    done, last_pk = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                _stale(model, encrypted).filter(pk__gt=last_pk).select_for_update()[:batch_size]
            )
            if not batch:
                return done
            for row in batch:
                for name in indexes:
                    field = row._meta.get_field(name)
                    field.pre_save(row, add=False)  # recompute under the current key
            model._default_manager.bulk_update(batch, [*encrypted, *indexes])
            audit_record(
                actor=None,
                action="pii.rotate_key",
                object_type=model._meta.label_lower,
                changes={"rows": len(batch), "first_id": batch[0].pk, "last_id": batch[-1].pk},
            )
        done, last_pk = done + len(batch), batch[-1].pk
