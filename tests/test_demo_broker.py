"""The demo's broker without a server (config/broker.py): kombu's filesystem transport, with a
message written whole before a worker can see it, and a message that cannot be read dropped
rather than stopping the worker (and with it, under honcho, the whole demo)."""

import json
import os
import threading
from queue import Empty

import pytest
from kombu import Connection

from config.broker import Transport


def _options(folder):
    for name in ("queue", "processed", "control"):
        (folder / name).mkdir()
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


def _channel(folder, transport):
    connection = Connection("filesystem://", transport=transport, transport_options=folder)
    return connection, connection.default_channel


def test_messages_go_through_in_order(tmp_path):
    options = _options(tmp_path)
    connection, channel = _channel(options, Transport)
    with connection:
        for n in range(5):
            channel._put("celery", {"n": n})
        # Named by the millisecond they were sent: those of one millisecond in any order.
        assert sorted(channel._get("celery")["n"] for _n in range(5)) == [0, 1, 2, 3, 4]
        with pytest.raises(Empty):
            channel._get("celery")
    # Nothing half-written is left behind.
    assert os.listdir(options["data_folder_in"]) == []


def test_a_message_file_that_is_not_whole_is_dropped_not_fatal(tmp_path):
    """What kombu's own writer leaves for a moment: the message's file made, nothing in it
    yet. kombu's reader stops on the JSON error; the demo's drops it and goes on."""
    options = _options(tmp_path)
    empty = os.path.join(options["data_folder_in"], "1_abc.celery.msg")
    open(empty, "wb").close()
    connection, channel = _channel(options, "filesystem")
    with connection, pytest.raises(json.JSONDecodeError):
        channel._get("celery")
    open(empty, "wb").close()
    connection, channel = _channel(options, Transport)
    with connection:
        channel._put("celery", {"after": True})
        assert channel._get("celery") == {"after": True}  # the empty one dropped on the way
        with pytest.raises(Empty):
            channel._get("celery")
    assert os.listdir(options["data_folder_in"]) == []  # the empty one is gone


def test_a_worker_never_sees_a_message_being_written(tmp_path):
    """A writer in another thread puts large messages while a reader empties the folder as
    fast as it can: every message arrives whole, none is lost."""
    options = _options(tmp_path)
    payload = "x" * 400_000  # a write long enough for a reader to meet it half done
    count = 150
    connection, channel = _channel(options, Transport)
    reader_connection, reader = _channel(options, Transport)
    received: list[int] = []

    def write():
        for n in range(count):
            channel._put("celery", {"n": n, "payload": payload})

    writer = threading.Thread(target=write)
    with connection, reader_connection:
        writer.start()
        while len(received) < count:
            try:
                message = reader._get("celery")
            except Empty:
                if not writer.is_alive() and not os.listdir(options["data_folder_in"]):
                    break
                continue
            assert message["payload"] == payload
            received.append(message["n"])
        writer.join()
    assert sorted(received) == list(range(count))


def test_the_demo_without_redis_uses_it(tmp_path):
    """`make run` has no REDIS_URL: its broker is this folder transport; with Redis, Redis."""
    from tests.test_settings import PRODUCTION, _setting

    demo = {**PRODUCTION, "DJANGO_DEMO": "true", "DJANGO_VAR_DIR": str(tmp_path)}
    assert _setting("CELERY_BROKER_URL", demo) == "filesystem://"
    assert _setting("CELERY_BROKER_TRANSPORT", demo) == "config.broker:Transport"
    with_redis = {**demo, "REDIS_URL": "redis://127.0.0.1:6379/15"}
    assert _setting("CELERY_BROKER_URL", with_redis) == "redis://127.0.0.1:6379/15"
