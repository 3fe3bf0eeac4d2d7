"""The excerpt benchmark's rule for which excerpts count as an editor's summary."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "summary_excerpts", ROOT / "bench" / "summary_excerpts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


se = _load()

TEXT = (
    "For more than a decade the Web has used XMLHttpRequest to achieve asynchronous "
    "requests in JavaScript. While very useful, it is not a very nice API."
)


def test_an_excerpt_copied_from_the_text_is_not_an_editors_summary() -> None:
    copied = "For more than a decade the Web has used XMLHttpRequest (XHR) to achieve …"
    assert not se.editor_excerpt(copied, TEXT)


def test_an_excerpt_in_other_words_is_one_and_a_slogan_is_not() -> None:
    assert se.editor_excerpt("A new fetch() API replaces the old callback-based way.", TEXT)
    assert not se.editor_excerpt("News and views", TEXT)
