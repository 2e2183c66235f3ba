"""A value inside a CSS string of a <style> element: the PDFs' page footers
(`@bottom-left { content: "…" }`) carry the municipality's name and the document's title."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Inside <style>, HTML entities are not decoded: Django's escaping would print "&amp;" for "&".
# These are escaped for CSS instead (a hex escape and a space): the string's own quotes, the
# backslash, line breaks and other control characters, and < > & so no "</style>" can end it.
_ESCAPED = frozenset("\"'\\<>&")


@register.filter
def css_string(value) -> str:
    text = "" if value is None else str(value)
    return mark_safe(  # noqa: S308 (every character that could end the string or the element is escaped)
        "".join(
            f"\\{ord(char):x} "
            if char in _ESCAPED or ord(char) < 0x20 or ord(char) == 0x7F
            else char
            for char in text
        )
    )
