"""Hours as Danes write them: 5,5 and 37, never 5,50 or 37,00."""

from decimal import Decimal

from django import template

from institutioner.models import format_decimal

register = template.Library()


@register.filter
def hours(value) -> str:
    if value is None or value == "":
        return ""
    return format_decimal(Decimal(value))
