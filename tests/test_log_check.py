import logging

import pytest

# The plugin tools/test loads (tools/ is on its PYTHONPATH).
import pytest_log_check
from pytest_log_check import fail_on_logged_errors

from odoo.tests import BaseCase
from odoo.tools import mute_logger


class TestLogCheck(BaseCase):
    """tools/test fails a test that logs an ERROR, as Odoo's own runner does."""

    def setUp(self):
        super().setUp()
        # A logger of its own that does not propagate: the suite's own check (on the
        # root logger) must not see the errors this test logs on purpose.
        self.logger = logging.getLogger("certified_support.test_log_check")
        self.logger.propagate = False
        self.addCleanup(setattr, self.logger, "propagate", True)

    def test_logged_error_fails(self):
        with pytest.raises(pytest.fail.Exception, match="mail template failed to render"):
            with fail_on_logged_errors(self.logger):
                self.logger.error("mail template failed to render")

    def test_logged_exception_fails_with_its_traceback(self):
        with pytest.raises(pytest.fail.Exception, match="ZeroDivisionError"):
            with fail_on_logged_errors(self.logger):
                try:
                    1 / 0  # noqa: B018
                except ZeroDivisionError:
                    self.logger.exception("swallowed")

    def test_warnings_and_muted_errors_pass(self):
        with fail_on_logged_errors(self.logger):
            self.logger.warning("only a warning")
            with mute_logger(self.logger.name):
                self.logger.error("expected by the test")

    def test_plugin_watches_every_test(self):
        """tools/test loads the plugin: while this test runs, its collector is on the root logger."""
        self.assertTrue(any(isinstance(h, pytest_log_check._ErrorRecords) for h in logging.getLogger().handlers))
