"""QuickSelect writes the same select as Django's own widget, without a template per option."""

import re

from django import forms

from institutioner.widgets import QuickSelect

CHOICES = [
    ("", "Alle"),
    ("1", "Børnehuset <Mariehønen> & Co"),
    ("2", 'Vuggestuen "Spiren"'),
    ("Nord", [("3", "Ræven"), ("4", "Frøen")]),
]


def _parts(html: str):
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    groups = re.findall(r'<optgroup label="([^"]*)">', html)
    return options, groups


def test_same_options_selection_escaping_and_attributes_as_djangos_select():
    attrs = {"class": "form-select", "id": "id_institution"}
    quick = QuickSelect(choices=CHOICES).render("institution", "2", attrs)
    django = forms.Select(choices=CHOICES).render("institution", "2", attrs)
    assert _parts(quick) == _parts(django)
    assert _parts(quick)[0][2] == ("2", " selected", "Vuggestuen &quot;Spiren&quot;")
    assert "&lt;Mariehønen&gt; &amp; Co" in quick
    assert quick.startswith('<select name="institution" class="form-select" id="id_institution">')
    assert quick.count("<option") == 5


def test_nothing_chosen_selects_nothing_but_the_empty_choice():
    quick = QuickSelect(choices=CHOICES).render("institution", None, {})
    assert re.findall(r"<option [^>]*selected", quick) == ['<option value="" selected']
