"""pytest's log capture and a thread that names new loggers (tests/conftest.py holds logging's
lock around the capture's start)."""

import logging
import threading
import time

from _pytest.logging import LogCaptureHandler, catching_logs


def _enter_while_loggers_appear(enter, seconds: float) -> tuple[int, Exception | None]:
    """Enter the log capture again and again for `seconds` while a thread keeps removing and
    naming loggers; return how many times it was entered and the error that stopped it."""
    names = [f"tests.race.{i}" for i in range(40)]
    registry = logging.root.manager.loggerDict
    stop = threading.Event()

    def churn():
        while not stop.is_set():
            for name in names:
                with logging._lock:
                    registry.pop(name, None)
                logging.getLogger(name)

    thread = threading.Thread(target=churn, daemon=True)
    thread.start()
    entered, error = 0, None
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            capture = catching_logs(LogCaptureHandler(), level=logging.INFO)
            try:
                enter(capture)
            except RuntimeError as exc:
                error = exc
                break
            capture.__exit__(None, None, None)
            entered += 1
    finally:
        stop.set()
        thread.join()
        with logging._lock:
            for name in names:
                registry.pop(name, None)
    return entered, error


def test_pytests_own_capture_start_breaks_when_a_thread_names_a_logger():
    """The race the workaround is for. If pytest ever takes the lock itself, this fails, and the
    workaround in tests/conftest.py can go."""
    _, error = _enter_while_loggers_appear(catching_logs.__enter__.__wrapped__, seconds=20)
    assert error is not None
    assert "changed size during iteration" in str(error)


def test_with_the_lock_held_the_capture_starts_every_time():
    entered, error = _enter_while_loggers_appear(catching_logs.__enter__, seconds=2)
    assert error is None
    assert entered > 100
