import pytest
from django.core.exceptions import ValidationError

from institutioner.validators import find_cpr_like, validate_no_cpr


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
    ],
)
def test_cpr_written_as_word_and_outlook_write_it_is_found(text):
    assert find_cpr_like(text) is not None
