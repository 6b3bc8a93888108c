"""Browser tests: the Playwright fixtures (`browser`, `page`, `page_nojs`) live in tests/conftest.py."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
