"""Two people signing at the same moment both count, once each (PostgreSQL row locks)."""

import threading
from dataclasses import replace

from django.db import connection

from indsats.agreements import services
from indsats.agreements.content import Goal
from indsats.models import EventKind, Signature, VersionStatus
from tests.factories import PASSWORD
from tests.indsats.helpers import accept, make_request


def test_two_signers_at_once_both_count_once(postgres, transactional_db, world):
    req = make_request(world, submit=True)
    accept(world, req)
    agreement = services.agreement_create(actor=world.pedagogist.user, request_id=req.pk)
    version = agreement.versions.get()
    content = replace(
        version.parsed, goals=(Goal(text="Ro ved frokost", focus_level="boernegruppe"),)
    )
    services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=content
    )
    services.agreement_send_for_signature(actor=world.pedagogist.user, version_id=version.pk)

    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def sign(user):
        try:
            barrier.wait()
            services.agreement_sign(actor=user, version_id=version.pk, password=PASSWORD)
        except Exception as exc:  # the second click of the same person is expected to fail
            errors.append(exc)
        finally:
            connection.close()

    signers = [world.leader, world.pedagogist.user, world.leader, world.pedagogist.user]
    threads = [threading.Thread(target=sign, args=(user,)) for user in signers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    version.refresh_from_db()
    assert Signature.objects.filter(version=version).count() == 2
    assert version.status == VersionStatus.IN_FORCE
    assert len(errors) == 2 and all("allerede" in str(e) or "alle" in str(e) for e in errors)
    assert req.events.filter(kind=EventKind.AGREEMENT_IN_FORCE).count() == 1
