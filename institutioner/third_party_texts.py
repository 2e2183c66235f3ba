"""Danish for django-axes and django-simple-history, which ship no Danish translation.

These are their own texts (the lockout admin, the history pages). Listing them here puts them in
our catalogue (`make messages`), and our catalogue is what Django uses for every app's texts.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

AXES_TEXTS = [
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
]

SIMPLE_HISTORY_TEXTS = [
    gettext_noop("Change History"),
    gettext_noop("Change reason"),
    gettext_noop("Changed by"),
    gettext_noop("Changes"),
    gettext_noop("Close"),
    gettext_noop("Comment"),
    gettext_noop("Date/time"),
    gettext_noop("Object"),
    gettext_noop("Revert"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("Change history: %s"),
    gettext_noop("Changed"),
    gettext_noop("Created"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("Deleted"),
    gettext_noop("Revert %s"),
    gettext_noop("View %s"),
    gettext_noop("View history: %s"),
    gettext_noop("You may edit it again below"),
    ngettext_lazy("entry", "entries", 1),
]

# Django's own messages for a decimal number, said plainer than Django's Danish ("Der må
# maksimalt være 4 cifre i alt" leaves a person wondering whether the decimals count). Ours
# come first: a project's catalogue (LOCALE_PATHS) overrides Django's for the same text.
DJANGO_DECIMAL_TEXTS = [
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "max",
    ),
]

# A text too long, said as the project's own fields say it ("Højst 500 tegn (du har skrevet
# 612)."), also where a model field's own length check speaks.
DJANGO_LENGTH_TEXTS = [
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
]
