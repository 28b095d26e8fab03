"""End-to-end tests: real server processes, real clients (DESIGN §7)."""

import pytest

pytest.register_assert_rewrite("tests.e2e.harness")
