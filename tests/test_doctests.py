"""The examples in the docstrings are kept true."""
import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["search.layout", "search.citations", "search.analysis", "search.pages",
                                    "search.meetings", "search.meetings_display", "search.urls"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
    assert result.attempted > 0
