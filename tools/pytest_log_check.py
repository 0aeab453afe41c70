"""pytest plugin loaded by tools/test (``-p pytest_log_check``): a test that logs an error fails.

Odoo's own test runner fails a run in which an ERROR was logged (a mail template that
failed to render, an exception swallowed by a ``try``, a failed tour step reported by the
browser). Under pytest such a test passes unless it asserts on the log. This fixture
collects every record of level ERROR or above that reaches the root logger while a test
runs, HTTP server threads included, and fails the test with those records.

A test that expects an error says so the way Odoo's tests do: ``mute_logger(...)`` or
``self.assertLogs(...)`` keep the record from reaching the root logger.
"""

import contextlib
import logging

import pytest


class _ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def fail_on_logged_errors(logger=None):
    """Fail (``pytest.fail``) when a record of level ERROR or above reaches ``logger``
    (the root logger by default) inside the block."""
    collector = _ErrorRecords()
    logger = logger or logging.getLogger()
    logger.addHandler(collector)
    try:
        yield
    finally:
        logger.removeHandler(collector)
    if collector.records:
        pytest.fail(
            "errors were logged during the test:\n"
            + "\n".join(
                f"{record.levelname} {record.name}: {record.getMessage()}"
                + (f"\n{logging.Formatter().formatException(record.exc_info)}" if record.exc_info else "")
                for record in collector.records
            ),
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _fail_on_logged_errors():
    with fail_on_logged_errors():
        yield
