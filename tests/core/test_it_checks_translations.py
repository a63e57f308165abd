"""`huimin check_translations` (run by `make lint`) fails on every gap in a Chinese catalogue."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from huimin.core.translations import po_parse, translations_check

HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"""


def _app(root: Path, catalogue: str) -> Path:
    app = root / "app"
    (app / "templates").mkdir(parents=True)
    (app / "views.py").write_text(
        "from django.utils.translation import gettext as _\n"
        "\n"
        "KEPT = _('Kept')\n"
        "FUZZY = _('Fuzzy one')\n"
        "BLANK = _('Blank one')\n"
        "MISSING = _('Missing one')\n",
        encoding="utf-8",
    )
    (app / "templates" / "page.html").write_text(
        "{% load i18n %}\n<p>{% translate 'Kept' %}</p>\n<p>{% translate 'Only in a page' %}</p>\n",
        encoding="utf-8",
    )
    messages = app / "locale" / "zh_Hans" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(HEADER + catalogue, encoding="utf-8")
    return app


BROKEN = """
msgid "Kept"
msgstr "保留"

#, fuzzy
msgid "Fuzzy one"
msgstr "大概"

msgid "Blank one"
msgstr ""

msgid "Nobody says this any more"
msgstr "没人用"

#~ msgid "Gone"
#~ msgstr "删掉"
"""

COMPLETE = """
msgid "Kept"
msgstr "保留"

msgid "Fuzzy one"
msgstr "模糊"

msgid "Blank one"
msgstr "空白"

msgid "Missing one"
msgstr "缺少"

msgid "Only in a page"
msgstr "只在页面中"
"""


def test_it_reports_each_problem_with_its_file_and_line(tmp_path):
    app = _app(tmp_path, BROKEN)
    catalogue = app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

    found = {(p.kind, p.msgid): p.where for p in translations_check(root=app)}

    po = catalogue.resolve()
    assert found == {
        ("fuzzy", "Fuzzy one"): f"{po}:{_line(catalogue, 'Fuzzy one')}",
        ("untranslated", "Blank one"): f"{po}:{_line(catalogue, 'Blank one')}",
        ("not used by the code", "Nobody says this any more"): (
            f"{po}:{_line(catalogue, 'Nobody says this any more')}"
        ),
        ("obsolete", "Gone"): f"{po}:{_line(catalogue, 'Gone')}",
        ("missing", "Missing one"): f"{app.resolve()}/views.py:6",
        ("missing", "Only in a page"): f"{app.resolve()}/templates/page.html:3",
    }


def _line(path: Path, msgid: str) -> int:
    """The line of the catalogue that holds this msgid."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.endswith(f'msgid "{msgid}"'))


def test_the_command_fails_on_a_broken_catalogue_and_passes_a_complete_one(tmp_path, capsys):
    broken = _app(tmp_path / "broken", BROKEN)
    with pytest.raises(CommandError, match="6 translation problem"):
        call_command("check_translations", root=broken)
    assert "missing: 'Missing one'" in capsys.readouterr().out

    complete = _app(tmp_path / "complete", COMPLETE)
    call_command("check_translations", root=complete)
    assert "every message is translated" in capsys.readouterr().out


def test_it_leaves_the_checked_tree_as_it_was(tmp_path):
    app = _app(tmp_path, BROKEN)
    before = {path: path.read_bytes() for path in app.rglob("*") if path.is_file()}

    translations_check(root=app)

    assert {path: path.read_bytes() for path in app.rglob("*") if path.is_file()} == before


def test_it_reads_plural_and_multi_line_entries():
    entries = po_parse(
        HEADER + '\n#, python-format\nmsgid "one %(n)s row"\nmsgid_plural ""\n"%(n)s rows"\n'
        'msgstr[0] "%(n)s "\n"行"\n\n#~ msgid "old"\n#~ msgstr ""\n#~ "旧"\n'
    )
    assert [(e.msgid, e.msgid_plural, e.msgstr, e.obsolete) for e in entries[1:]] == [
        ("one %(n)s row", "%(n)s rows", ["%(n)s 行"], False),
        ("old", None, ["旧"], True),
    ]
    assert entries[1].flags == {"python-format"}
