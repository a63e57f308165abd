"""Hold the Chinese catalogues to the messages the code uses.

Django's own extraction (`makemessages`, which calls `xgettext`) runs on a temporary copy of the
source tree, so the committed catalogues are never rewritten; each resulting template (`.pot`) is
then compared with the committed catalogue of the same locale folder. A problem is any msgid the
code uses that the catalogue lacks, and any entry of the catalogue that is untranslated, fuzzy,
obsolete (`#~`) or no longer used by the code (the next `makemessages` would make it obsolete).
"""

import ast
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

CATALOGUE = Path("LC_MESSAGES") / "django.po"
TEMPLATE = "django.pot"


@dataclass
class Entry:
    """One entry of a .po or .pot file, with the line its msgid is on."""

    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


@dataclass(frozen=True)
class Problem:
    where: str  # path:line
    kind: str
    msgid: str
    msgctxt: str | None = None

    def __str__(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"{self.where}: {self.kind}: {self.msgid!r}{context}"


def po_parse(text: str) -> list[Entry]:
    """The entries of a gettext catalogue (header included, with msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    pending_refs: list[str] = []
    target: str | None = None  # which field a continuation line extends
    has_msgid = False

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # previous msgid of an obsolete entry
                continue
        elif line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        elif line.startswith("#:"):
            pending_refs.extend(line[2:].split())
            continue
        elif line.startswith("#") or not line:
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if current is None or target is None:
                continue
            _extend(current, target, _unquote(line))
            continue
        if keyword == "msgctxt" or (keyword == "msgid" and (current is None or has_msgid)):
            finish()
            current = Entry(line=number, flags=pending_flags, references=pending_refs)
            pending_flags, pending_refs = set(), []
            has_msgid = False
        if current is None:
            continue
        current.obsolete = current.obsolete or obsolete
        if keyword == "msgid":
            current.line = number
            has_msgid = True
        target = keyword
        _extend(current, keyword, _unquote(rest), start=True)
    finish()
    return entries


def _unquote(quoted: str) -> str:
    value = ast.literal_eval(quoted.strip())
    return value if isinstance(value, str) else ""


def _extend(entry: Entry, keyword: str, value: str, *, start: bool = False) -> None:
    if keyword == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    elif keyword == "msgid":
        entry.msgid += value
    elif keyword == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + value
    elif keyword.startswith("msgstr"):
        if start:
            entry.msgstr.append(value)
        else:
            entry.msgstr[-1] += value


def catalogue_problems(
    *, catalogue: Path, template: Path | None, source_root: Path
) -> list[Problem]:
    """Compare one committed catalogue with the template extracted from the code."""
    used = po_parse(template.read_text(encoding="utf-8")) if template else []
    used_keys = {entry.key for entry in used if entry.msgid}
    present = po_parse(catalogue.read_text(encoding="utf-8")) if catalogue.exists() else []
    problems: list[Problem] = []
    translated_keys = set()
    for entry in present:
        if not entry.msgid:
            continue  # the header; makemessages leaves it fuzzy, msgfmt uses it all the same
        where = f"{catalogue}:{entry.line}"
        if entry.obsolete:
            problems.append(Problem(where, "obsolete", entry.msgid, entry.msgctxt))
            continue
        if "fuzzy" in entry.flags:
            problems.append(Problem(where, "fuzzy", entry.msgid, entry.msgctxt))
        elif not entry.msgstr or not all(entry.msgstr):
            problems.append(Problem(where, "untranslated", entry.msgid, entry.msgctxt))
        elif entry.key not in used_keys:
            problems.append(Problem(where, "not used by the code", entry.msgid, entry.msgctxt))
        translated_keys.add(entry.key)
    for entry in used:
        if entry.msgid and entry.key not in translated_keys:
            reference = entry.references[0] if entry.references else str(template)
            problems.append(
                Problem(str(source_root / reference), "missing", entry.msgid, entry.msgctxt)
            )
    return problems


def translations_check(*, root: Path, locale: str = "zh_Hans") -> list[Problem]:
    """Every problem of the `locale` catalogues of the source tree under `root`."""
    root = root.resolve()
    with tempfile.TemporaryDirectory(prefix="huimin-i18n-") as scratch:
        copy = Path(scratch) / root.name
        shutil.copytree(
            root,
            copy,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.pot", ".venv", "node_modules"),
        )
        locale_paths = [
            copy / Path(path).resolve().relative_to(root)
            for path in settings.LOCALE_PATHS
            if Path(path).resolve().is_relative_to(root)
        ]
        with _working_directory(copy), override_settings(LOCALE_PATHS=locale_paths):
            call_command("makemessages", locale=[locale], keep_pot=True, verbosity=0)
        problems: list[Problem] = []
        locale_dirs = sorted({path.parent for path in copy.rglob(TEMPLATE)})
        locale_dirs += sorted(
            path.parents[2]
            for path in copy.rglob(f"{locale}/{CATALOGUE}")
            if path.parents[2] not in locale_dirs
        )
        for locale_dir in locale_dirs:
            relative = locale_dir.relative_to(copy)
            template = locale_dir / TEMPLATE
            problems += catalogue_problems(
                catalogue=root / relative / locale / CATALOGUE,
                template=template if template.exists() else None,
                source_root=root,
            )
    return problems


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    # makemessages works on the current directory; the check must leave it as it found it.
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)
