"""The kinds each role receives and the kind of a template, as the apps register them."""

import pytest

from institutioner.models import NotificationKind as K
from institutioner.notifications import kinds


def test_each_role_chooses_among_the_kinds_it_receives_in_a_fixed_order():
    assert kinds.kinds_for_role("leader") == (
        K.REQUESTS,
        K.MEETINGS,
        K.AGREEMENTS,
        K.SIGNATURE_REMINDER,
        K.EVALUATION_REMINDER,
        K.COURSE_PLAN_CHANGED,
        K.ABSENCE,
        K.PLAN_CHANGE,
        K.FOLLOW_UP_REMINDER,
        K.SUPPORT,
    )
    assert kinds.kinds_for_role("pedagogist") == (
        K.REQUESTS,
        K.MEETINGS,
        K.AGREEMENTS,
        K.SIGNATURE_REMINDER,
        K.EVALUATION_REMINDER,
        K.COURSE_ENDING,
        K.WEEK_SHEET_REMINDER,
        K.PLAN_CHANGE,
        K.SUPPORT,
    )
    assert kinds.kinds_for_role("administration") == (
        K.REQUESTS,
        K.REQUEST_WAITING,
        K.MEETINGS,
        K.AGREEMENTS,
        K.SIGNATURE_REMINDER,
        K.COURSE_ENDING,
        K.SUPPORT,
        K.VISITATION_MEETINGS,
        K.SUPPORT_REVISIT,
    )
    assert kinds.kinds_for_role("staff") == (K.MEETINGS, K.RATING_INVITATION)
    assert K.SUPPORT in kinds.kinds_for_role("consultant")


def test_every_kind_but_system_is_registered_by_the_app_that_sends_it():
    received = {
        kind
        for role in ("leader", "pedagogist", "administration", "staff", "consultant")
        for kind in kinds.kinds_for_role(role)
    }
    assert received == set(K) - {K.SYSTEM}


@pytest.mark.parametrize(
    ("template", "kind"),
    [
        ("request_submitted", K.REQUESTS),
        ("meeting_removed", K.MEETINGS),
        ("agreement_in_force", K.AGREEMENTS),
        ("support_submitted", K.SUPPORT),
        # Reminders and the changed plan say their kind when they queue.
        ("course_plan_changed", K.SYSTEM),
        ("absence_recorded", K.ABSENCE),
        ("visitation_planned", K.VISITATION_MEETINGS),
        ("support_decided", K.SUPPORT),
        ("notification_test", K.SYSTEM),
    ],
)
def test_a_template_is_of_the_kind_registered_for_its_prefix(template, kind):
    assert kinds.kind_of(template) == kind


def test_system_messages_cannot_be_chosen_away():
    with pytest.raises(ValueError):
        kinds.register(K.SYSTEM, roles=("leader",))
