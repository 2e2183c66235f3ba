"""The Danish translation is complete: no text in the code without a Danish translation."""

import ast
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from tests import astparse
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert len(po.translated_entries()) > 100


def test_compiled_catalogue_matches_the_source():
    po = {
        (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, e.msgstr_plural)
        for e in polib.pofile(str(PO)).translated_entries()
    }
    mo = {
        (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, e.msgstr_plural)
        for e in polib.mofile(str(MO))
    }
    mo.pop((None, "", ""), None)
    assert po == mo, "Run `make messages` to compile locale/da/LC_MESSAGES/django.mo"


SKIPPED = {"locale", "tests", "var", "staticfiles", "node_modules", "bench-results"}


def test_every_text_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the catalogue. It runs in a folder of links to the code, so it
    writes the copy and never the repository's own catalogue."""
    require_service(bool(shutil.which("xgettext")), "gettext (xgettext)")
    before = PO.read_bytes()
    src = tmp_path / "src"
    target = src / "locale" / "da" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    for folder in ROOT.iterdir():
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in SKIPPED:
            (src / folder.name).symlink_to(folder)
    settings.LOCALE_PATHS = [src / "locale"]
    monkeypatch.chdir(src)
    call_command("makemessages", locale=["da"], no_obsolete=True, symlinks=True, verbosity=0)
    refreshed = polib.pofile(str(target / "django.po"))
    missing = [e.msgid for e in refreshed.untranslated_entries()]
    fuzzy = [e.msgid for e in refreshed.fuzzy_entries()]
    assert missing == [], f"Texts without a Danish translation (run `make messages`): {missing}"
    assert fuzzy == [], f"Changed texts whose translation must be checked: {fuzzy}"
    assert len(refreshed.translated_entries()) > 100
    assert PO.read_bytes() == before, "the test must not rewrite the repository's catalogue"


GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
PGETTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _gettext_calls(tree: ast.AST):
    """(line, context, msgid) of every translation call with literal texts, wherever it is:
    also inside an f-string's braces, where xgettext 0.21 does not look."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        texts = [_literal(arg) for arg in node.args]
        if name in GETTEXT and texts and texts[0]:
            yield node.lineno, None, texts[0]
        elif name in PGETTEXT and len(texts) > 1 and texts[0] and texts[1]:
            yield node.lineno, texts[0], texts[1]


def test_every_translation_call_in_the_python_code_has_a_danish_text():
    """makemessages (xgettext) skips what it cannot parse, such as `_()` inside an f-string, so
    the test above passed while the dashboards showed "2 repeats": read every call ourselves."""
    catalogue = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)).translated_entries()}
    missing = []
    for path in sorted(ROOT.rglob("*.py")):
        top = path.relative_to(ROOT).parts[0]
        if top.startswith(".") or top in SKIPPED:
            continue
        for line, context, msgid in _gettext_calls(astparse.parse(path.read_bytes(), str(path))):
            if (context, msgid) not in catalogue:
                missing.append(f"{path.relative_to(ROOT)}:{line} {msgid!r}")
    assert missing == [], f"Texts not in the Danish catalogue (outside an f-string?): {missing}"


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [("Log in", "Log ind"), ("Pedagogist", "Indsatspædagog"), ("Administration", "Forvaltning")],
)
def test_texts_are_served_in_danish(msgid, expected):
    from django.utils.translation import gettext

    assert gettext(msgid) == expected


def test_weekdays_in_dates_are_lower_case_in_the_middle_of_a_sentence():
    """Our catalogue must not override Django's own weekday names: "Mandag" came out in the
    middle of sentences on Mondays only, while the other days read "tirsdag"."""
    from datetime import date

    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("da"):
        days = [date_format(date(2026, 12, 7 + n), "l j. F Y") for n in range(5)]
    assert days == [
        "mandag 7. december 2026",
        "tirsdag 8. december 2026",
        "onsdag 9. december 2026",
        "torsdag 10. december 2026",
        "fredag 11. december 2026",
    ]
