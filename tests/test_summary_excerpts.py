"""The excerpt benchmark's rule for which excerpts count as an editor's summary."""

from __future__ import annotations

from tests.bench_helpers import load_bench

se = load_bench("summary_excerpts")

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
