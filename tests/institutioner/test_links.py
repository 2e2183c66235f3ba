"""`links.detail_address` gives the same address as `reverse`, also under a script prefix."""

import pytest
from django.urls import reverse, set_script_prefix

from institutioner.links import detail_address


@pytest.mark.parametrize("name", ["institution_detail", "pedagogist_detail", "district_detail"])
@pytest.mark.parametrize("prefix", ["/", "/indsats/", "/kommune-2026/"])
def test_the_same_address_as_reverse(name, prefix):
    set_script_prefix(prefix)
    try:
        address = detail_address(name)
        for pk in (1, 7, 42, 918, 2026, 918273645, 10**12):
            assert address(pk) == reverse(name, args=[pk])
        assert address(7).startswith(prefix)
    finally:
        set_script_prefix("/")


def test_a_key_is_a_number():
    with pytest.raises(ValueError):
        detail_address("institution_detail")("1/../../admin")
