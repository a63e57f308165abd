"""`collectstatic` only when a source file changed since the last collection.

Collecting takes seconds; the demo and the tests collect on every start, and the files rarely
change between two starts. The fingerprint (every source's path, size and modification time, and
the storage) is kept beside the collected files.
"""

import json
import os

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

_SOURCES = ".huimin-sources.json"


def _sources() -> list[list[object]]:
    found = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            found.append([path, stat.st_size, stat.st_mtime_ns])
    return sorted(found)


def collect_static_if_changed() -> bool:
    """Collect into STATIC_ROOT unless it already holds these sources; True if it collected."""
    root = settings.STATIC_ROOT
    record = root / _SOURCES
    fingerprint = {
        "storage": settings.STORAGES["staticfiles"]["BACKEND"],
        "sources": _sources(),
    }
    if (root / "staticfiles.json").is_file() and record.is_file():
        if json.loads(record.read_text(encoding="utf-8")) == fingerprint:
            return False
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    record.write_text(json.dumps(fingerprint), encoding="utf-8")
    return True
