import socket
import threading

import pytest

from institutioner.models import IdentityGroup, Role


@pytest.fixture
def groups(world):
    leaders = IdentityGroup.objects.create(name="indsats-ledere-mariehoenen", role=Role.LEADER)
    leaders.institutions.add(world.institution)
    IdentityGroup.objects.create(name="indsats-forvaltning", role=Role.ADMINISTRATION)
    return leaders


@pytest.fixture
def black_hole():
    """A port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()
