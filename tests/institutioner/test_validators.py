import pytest
from django.core.exceptions import ValidationError

from institutioner.validators import (
    find_cpr_like,
    validate_no_cpr,
    validate_no_cpr_child,
    validate_no_cpr_plain,
)


@pytest.mark.parametrize(
    "text",
    [
        "Barnet har cpr 070589-1234 og trives ikke",
        "0705891234",
        "se 070589 1234",
        "290200-4321",  # 29 February 2000: serial 4 and year 00 give 2000, a leap year
        "311299-0001",
        "(010203-5678)",
    ],
)
def test_cpr_like_text_is_found(text):
    assert find_cpr_like(text) is not None
    with pytest.raises(ValidationError) as caught:
        validate_no_cpr(text)
    assert caught.value.code == "cpr"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Stuen Sommerfuglen har 22 børn i alderen 3-5 år",
        "Ring på 12 34 56 78 eller 20304050",
        "320189-1234",  # day 32
        "011389-1234",  # month 13
        "290201-1234",  # 29 February 1901 does not exist
        "290200-0321",  # serial 0 and year 00 give 1900, not a leap year
        "12345678901",  # eleven digits: part of a longer number
        "EAN 5790001234567",
        "070589-12345",
    ],
)
def test_other_text_is_allowed(text):
    assert find_cpr_like(text) is None
    validate_no_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "010190–1234",
        "010190 - 1234",
        "01.01.90-1234",
        "01 01 90 1234",
        "010190/1234",
        "010190—1234",
        "010203\u20111234",  # Word's non-breaking hyphen (Ctrl+Shift+-)
        "010203\u20101234",  # hyphen
        "010203\u20121234",  # figure dash
        "010203\u22121234",  # minus sign
        "010203\u00ad1234",  # soft hyphen, invisible
        "0102\u200b031234",  # a zero-width space inside
        "010203_1234",
        "01 02 03 12 34",
        "３１０１９０１２３４",  # full-width digits
        "010203\u00a01234",  # no-break space
        "010203\u202f1234",  # narrow no-break space
    ],
)
def test_cpr_written_as_word_and_outlook_write_it_is_found(text):
    assert find_cpr_like(text) is not None
    with pytest.raises(ValidationError):
        validate_no_cpr_plain(text)


@pytest.mark.parametrize(
    "text",
    [
        "0 1 0 2 0 3 1 2 3 4",
        "cpr 0.1.0.2.0.3.1.2.3.4 i teksten",
        "0-1-0-2-0-3-1-2-3-4",
        "0 1 0 2 0 3 - 1 2 3 4",
        "0\u00a01\u00a00\u00a02\u00a00\u00a03\u00a01\u00a02\u00a03\u00a04",
        "０ １ ０ ２ ０ ３ １ ２ ３ ４",
    ],
)
def test_cpr_with_a_separator_between_every_digit_is_found(text):
    assert find_cpr_like(text) is not None
    with pytest.raises(ValidationError):
        validate_no_cpr_plain(text)


@pytest.mark.parametrize(
    "text",
    [
        "uge 1 2 3 4",
        "Ring på 12 34 56 78",
        "1 2 3 4 5 6 7 8 9 0",  # no date: day 12, month 34
        "3 2 0 1 8 9 1 2 3 4",  # day 32
        "0 1.0 2 0 3 1 2 3 4",  # the separators differ: not one number
        "Trin 1, 2, 3 og 4 i planen; 5 6 7 8",
    ],
)
def test_single_digits_with_separators_that_are_no_cpr_are_allowed(text):
    assert find_cpr_like(text) is None
    validate_no_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "Emil 1.1.90-1234 trives",  # d.m.yy-nnnn
        "1.12.90-1234",  # d.mm.yy
        "24.1.90-1234",  # dd.m.yy
        "01.1.90-1234",
        "1.1.90 - 1234",
        "1/1/90-1234",
        "1-1-90-1234",
        "1.1.90/1234",
        "1.1.05\u20134321",  # an en dash, as Word makes one; serial 4 and year 05: 2005
        "29.2.00-4321",  # 29 February 2000
        "１.１.９０-１２３４",  # full-width digits
        "(1.1.90-1234)",
        # A slash between day and month, a hyphen before the year, as Danes write it by hand
        "1/1-90-1234",
        "1/1-1990-1234",
        "01/01-90 - 1234",
        "Emil 24/12-89-0123 trives",
        "1/12-05\u20134321",  # an en dash before the serial number
        "1/1\u201390-1234",  # an en dash before the year
        "1/1-90+1234",
        "1/1-90 1234",  # a space alone: 1990 is a birth year
    ],
)
def test_cpr_with_a_one_digit_day_or_month_is_found(text):
    assert find_cpr_like(text) is not None
    with pytest.raises(ValidationError):
        validate_no_cpr_child(text)


@pytest.mark.parametrize(
    "text",
    [
        "kl. 9.30-12.00",
        "uge 1.1",
        "uge 1.1-1.2",
        "Mødet 1.2.26, kl. 9-12",
        "1.2.3-4567",  # a version number: a year of one digit is no date
        "1.2.3.4-5678",
        "3.1.1.90-1234",  # part of a longer dotted series
        "31.2.90-1234",  # no 31 February
        "29.2.01-1234",  # 1901 and 2001 are no leap years
        "1.13.90-1234",  # month 13
        "1.1.90-12345",  # five digits
        "1.1.90-123",
        "12.1.2026-1400",  # a four-digit year
        "1.2.26 1030",  # a day and a time
        "1.1.26-1.2.26",  # a period
        # A slash between day and month, a hyphen before the year: dates and times
        "1/2-26 kl. 12-14",
        "uge 1/2-26",
        "1/1-2026",
        "1/2-26 1030",
        "3/4-25 12.00-14.00",
        "1/2-26 1200-1400",
        "1/2-2026-1400",  # a four-digit year the serial number does not give
        "1/1-26-1/2-26",  # a period
        "31/2-90-1234",  # no 31 February
        "1/2.90-1234",  # a slash, then a dot: no date as people write it
        "1-1/90-1234",
    ],
)
def test_short_dates_that_are_no_cpr_are_allowed(text):
    assert find_cpr_like(text) is None
    validate_no_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "010190+1234",  # a plus before the serial number
        "cpr 010190 + 1234",
        "1.1.90+1234",
        "01.01.1990-1234",  # a four-digit year
        "Født 1.1.1990-1234",
        "01/01/1990-1234",
        "01-01-1990-1234",
        "01.01.1990 - 1234",
        "01.01.1990\u20131234",  # an en dash
        "1.1.2010/4321",  # serial 4 and 2010 agree
        "１.１.１９９０-１２３４",  # full-width digits
        "1.1.90 1234",  # a space alone: 1990 is a birth year, not a day the team writes about
        "cpr 1.1.90  1234",
        "24.12.89 0123",
        "1.2.26 4321",  # no time of day: 43 hours
        "1.1.10 5123",  # serial 5 and year 10: 2010
        "01.01.90 1234",
        "010190-1234 kl. 12",
        "070589-1234,070590-1234",  # a list: the comma before a digit ends no time or decimal
        "1.1.90-1234,1.2.90-1234",
    ],
)
def test_cpr_with_a_plus_a_four_digit_year_or_a_space_is_found(text):
    assert find_cpr_like(text) is not None
    with pytest.raises(ValidationError):
        validate_no_cpr_plain(text)


@pytest.mark.parametrize(
    "text",
    [
        # Days and times
        "1.2.26 1030",
        "1.2.26 1200-1400",
        "Mødet 3.3.26 0900-1130",
        "10.01.26 0800 - 1600",
        "1.2.26 12.00-14.00",
        "Møde 26.01 12.00-14.00",
        "26.01.2026 12.00-14.00",
        "26.01.2026 12:00",
        "26.01.2026 12 børn",
        "26.01.26 08.00 - 16.00",
        "Mødet er d. 12.01.2026 kl. 12.00-14.00",
        "Fra 1.2.26 1200 til 1.2.26 1400",
        "d. 1.2.2026 1030-1130",
        "1.2.2026 1200-1400",
        "2.2.26 0800-1600, 3.2.26 0800-1200",
        "Tirsdag 3/2-26 0900-1130",
        "1/2/26 1030",
        "12/1 1200-1400",
        # Phone numbers
        "Ring på +45 12 34 56 78 eller +45 87 65 43 21",
        "Tlf. +45 20 30 40 50",
        "+4512345678",
        "Tlf. 12 34 56 78 / 87 65 43 21",
        # Week numbers
        "Uge 12, 13 og 14 2026",
        "uge 2-4 2026",
        "Uge 51 2025 - uge 2 2026",
        # Amounts
        "Beløb: 12.345,00 kr.",
        "Bevilget 120.190,00 kr.",
        "Pris 1.2.26 4500 kr.",
        "45.000 kr. 1.1.26-31.12.26",
        # Journal and case numbers
        "J.nr. 27.12.08-G01-1-26",
        "Journalnr. 28.03.00-P20-3-24",
        "Sagsnr. 2026-012345",
        "Sag 24/12345",
        "Fravær 1.2.26-3.2.26",
    ],
)
def test_danish_times_phone_numbers_amounts_and_case_numbers_are_allowed(text):
    assert find_cpr_like(text) is None
    validate_no_cpr(text)


def test_the_part_found_is_cut_from_what_was_written():
    """The access log masks what was found in the text as typed (a search box), so the part
    returned is the original's, full-width digits and invisible hyphens included."""
    assert find_cpr_like("søg ３１０１９０１２３４ nu") == "３１０１９０１２３４"
    assert find_cpr_like("x 010203\u00ad1234 y") == "010203\u00ad1234"
    assert find_cpr_like("Emil 1.1.90 - 1234 trives") == "1.1.90 - 1234"
    assert find_cpr_like("x 01 02 03 12 34.") == "01 02 03 12 34"


# Text the system writes itself (or that is not prose), each with why it needs no CPR guard.
# A new CharField or TextField is guarded, or named here with a reason.
NOT_TYPED_BY_PEOPLE = {
    "institutioner.ExternalIdentity.subject": "the identity provider's identifier, set at login",
    "institutioner.User.password": "a password hash",
    "institutioner.User.email": "an e-mail address (EmailField)",
    "institutioner.Institution.postal_code": "four digits, nothing else (its own validator)",
    "institutioner.StoredFile.producer": "the name of the code that made the file",
    "institutioner.StoredFile.name": "a file name the code makes",
    "institutioner.StoredFile.mimetype": "a MIME type",
    "institutioner.StoredFile.sha256": "a hash",
    "indsats.SupportDocument.mimetype": "a MIME type read from the content",
    "indsats.SupportDocument.sha256": "a hash",
    "institutioner.Notification.email": "an e-mail address",
    "institutioner.Notification.template": "a template name",
    "institutioner.Notification.url": "a link into the app",
    "institutioner.Notification.subject": "rendered from a template and guarded texts",
    "institutioner.Notification.body_text": "rendered from a template and guarded texts",
    "institutioner.Notification.body_html": "rendered from a template and guarded texts",
    "institutioner.Notification.attachment_name": "a file name the code makes",
    "institutioner.Notification.attachment_mimetype": "a MIME type",
    "institutioner.Notification.attachment_content": "a generated PDF or calendar",
    "institutioner.Notification.last_error": "the mail server's answer",
    "institutioner.Notification.dedupe_key": "a key the code makes",
    "institutioner.AccessLogEntry.url_name": "a URL name from the code",
    "institutioner.AccessRequest.error": "the error the worker met while making the ZIP",
    "institutioner.Heartbeat.name": "a process name",
    "institutioner.ScheduleChange.schedule": "a schedule's name the code registered",
    "institutioner.ScheduleChange.before": "a time and weekdays the code describes",
    "institutioner.ScheduleChange.after": "a time and weekdays the code describes",
    "institutioner.Heartbeat.detail": "written by the worker",
    "indsats.InterventionRequest.contact_email": "an e-mail address",
    "indsats.AgreementVersion.content_hash": "a hash",
    "indsats.Signature.slot": "a key the code makes",
    "indsats.Signature.content_hash": "a hash",
    "forloeb.ChecklistItem.key": "a key the code makes",
    "forloeb.CalendarFeed.secret": "random bits from `secrets`, never typed",
}
OUR_APPS = ("institutioner", "indsats", "forloeb")


def _text_fields():
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                yield f"{model._meta.label}.{field.name}", field


def test_every_free_text_field_refuses_cpr_numbers():
    """#15 item 5: the guard covers every text field a person can fill in, Stamdata included."""
    unguarded = sorted(
        label
        for label, field in _text_fields()
        if not any(
            v in (validate_no_cpr, validate_no_cpr_child, validate_no_cpr_plain)
            for v in field.validators
        )
        and label not in NOT_TYPED_BY_PEOPLE
    )
    assert unguarded == [], f"text fields without validate_no_cpr: {unguarded}"
    stale = sorted(set(NOT_TYPED_BY_PEOPLE) - {label for label, _field in _text_fields()})
    assert stale == [], f"no such field any more: {stale}"
