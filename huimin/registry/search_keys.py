"""What the search stores beside a person so the database can sort and find without clear data.

- `name_sort`: the name in pinyin with tone numbers, then the name itself ("zhang1san1 张三"), so
  `ORDER BY name_sort` is the order people look names up in, on SQLite and PostgreSQL alike (both
  compare it byte by byte: every syllable ends in its tone digit, and digits and the space sort
  before letters, so 西安 "xi1an1" comes before 先 "xian1" and 张 before 张三).
- `id_ends_index`: a keyed hash (HMAC, the blind index's key) of the first four and last four
  characters of the identity number: exactly what the masked number on screen shows
  (5329**********1234), so a clerk can find a person from it, while the database holds no digit
  in clear. It is only ever used together with a name or a village (`queries.search_parse`).

Both are computed in `pre_save`, so `save()` and `bulk_create` fill them; the loader's COPY and
`bulk_update` callers set them with `name_sort_many` / `id_ends_index_many`.
"""

import re
from collections.abc import Sequence
from functools import lru_cache

from django.db import models
from pypinyin import Style, lazy_pinyin

from huimin.core.pii import (
    BlindIndexField,
    DataKey,
    blind_index,
    blind_index_candidates,
    blind_index_many,
    current_key,
)

NAME_SORT_LENGTH = 400
ID_ENDS = 4
# Domain separation: the hash of "5329" + "1234" must never equal the blind index of a number.
ENDS_PREFIX = "ends:"

# Surnames whose reading differs from the same character in ordinary words (曾 is Zēng as a name,
# céng in 曾经). The head's surname decides where a household is looked up.
SURNAMES = {
    "曾": "zeng1",
    "单": "shan4",
    "解": "xie4",
    "仇": "qiu2",
    "朴": "piao2",
    "查": "zha1",
    "区": "ou1",
    "盖": "ge3",
    "乐": "yue4",
    "覃": "qin2",
    "翟": "zhai2",
    "缪": "miao4",
    "召": "shao4",
    "种": "chong2",
    "尉": "yu4",
    "万俟": "mo4qi2",
    "长孙": "zhang3sun1",
    "重": "chong2",
    "祭": "zhai4",
    "员": "yun4",
}
_NOT_KEY = re.compile(r"[^a-z0-9]")


def _pinyin(text: str) -> str:
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    return _NOT_KEY.sub("", "".join(syllables).lower().replace("ü", "v"))


# Names repeat (a village has many 张), and a million-person load should not convert each anew.
@lru_cache(maxsize=200_000)
def name_sort_key(name: str) -> str:
    """The pinyin (tone numbers) of a name, then the name: the order a reader expects."""
    name = " ".join((name or "").split())
    if not name:
        return ""
    for surname in sorted(SURNAMES, key=len, reverse=True):
        if name.startswith(surname):
            key = SURNAMES[surname] + _pinyin(name[len(surname) :])
            break
    else:
        key = _pinyin(name)
    return f"{key} {name}"[:NAME_SORT_LENGTH]


def name_sort_many(names: Sequence[str | None]) -> list[str]:
    return [name_sort_key(name or "") for name in names]


def id_ends(value: str) -> str:
    """The characters a masked identity number shows: the first four and the last four."""
    compact = "".join((value or "").split()).upper()
    if len(compact) <= 2 * ID_ENDS:
        return ""
    return compact[:ID_ENDS] + compact[-ID_ENDS:]


def id_ends_index(value: str, key: DataKey | None = None) -> str:
    ends = id_ends(value)
    return blind_index(ENDS_PREFIX + ends, key) if ends else ""


def id_ends_index_many(values: Sequence[str | None]) -> list[str]:
    ends = [id_ends(value or "") for value in values]
    return blind_index_many([ENDS_PREFIX + e if e else "" for e in ends])


def id_ends_candidates(first: str, last: str) -> list[str]:
    """The index of these visible characters under every known key (a rotation may be running)."""
    return blind_index_candidates(ENDS_PREFIX + first + last)


class NameSortField(models.CharField):
    """The pinyin sort key of another field (`name_sort_key`), computed on every save."""

    def __init__(self, *args, source: str = "", **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.source = source
        kwargs.setdefault("max_length", NAME_SORT_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):  # type: ignore[no-untyped-def]
        value = name_sort_key(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


class IdEndsIndexField(BlindIndexField):
    """The keyed hash of an identity number's first and last four characters (`id_ends_index`).

    A BlindIndexField, so `huimin rotate_data_key` recomputes it under the new key as well.
    """

    def pre_save(self, model_instance, add):  # type: ignore[no-untyped-def]
        value = getattr(model_instance, self.source)
        index = id_ends_index(value, current_key()) if value else ""
        setattr(model_instance, self.attname, index)
        return index
