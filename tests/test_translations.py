"""The Danish translation is complete: no text in the code without a Danish translation."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

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


def test_every_text_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    require_service(bool(shutil.which("xgettext")), "gettext (xgettext)")
    target = tmp_path / "da" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    settings.LOCALE_PATHS = [tmp_path]
    monkeypatch.chdir(ROOT)
    call_command(
        "makemessages",
        locale=["da"],
        no_obsolete=True,
        ignore_patterns=[".venv", ".tools", "staticfiles", "var", "tests", "node_modules"],
        verbosity=0,
    )
    refreshed = polib.pofile(str(target / "django.po"))
    missing = [e.msgid for e in refreshed.untranslated_entries()]
    fuzzy = [e.msgid for e in refreshed.fuzzy_entries()]
    assert missing == [], f"Texts without a Danish translation (run `make messages`): {missing}"
    assert fuzzy == [], f"Changed texts whose translation must be checked: {fuzzy}"


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [("Log in", "Log ind"), ("Pedagogist", "Indsatspædagog"), ("Administration", "Forvaltning")],
)
def test_texts_are_served_in_danish(msgid, expected):
    from django.utils.translation import gettext

    assert gettext(msgid) == expected
