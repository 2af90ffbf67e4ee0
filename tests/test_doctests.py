"""The examples in the docstrings are kept true: every module of the package that has some."""
import doctest
import importlib
import pkgutil

import pytest

import search


def _modules_with_examples():
    finder = doctest.DocTestFinder()
    out = []
    for info in pkgutil.walk_packages(search.__path__, "search."):
        if info.name == "search.__main__":
            continue
        module = importlib.import_module(info.name)
        if any(t.examples for t in finder.find(module)):
            out.append(info.name)
    return out


MODULES = _modules_with_examples()


def test_the_modules_with_examples_are_found():
    assert {"search.text", "search.words", "search.ingest.lines", "search.reference.citations",
            "search.reference.meetings", "search.reference.symbols", "search.web.urls",
            "search.web.records"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert (result.failed, result.attempted > 0) == (0, True)
