-- Full-text search: one normalised document per article (NFKC, case-folded, written
-- by storage/search.py in the article's own transaction), found by substring.
-- `pairs` repeats each run of CJK characters with every character doubled, so a
-- two-character word ("大桥" → "大大桥桥") is long enough for a trigram index.
-- SQLite indexes both with FTS5's trigram tokenizer, PostgreSQL with pg_trgm when the
-- server has it (without it, search still gives the same results, by a slower scan).
CREATE TABLE search_docs (
    article_id {bigint} PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    pairs TEXT NOT NULL DEFAULT ''
);
@sqlite CREATE VIRTUAL TABLE search_fts USING fts5(
    body, pairs, content='search_docs', content_rowid='article_id',
    tokenize='trigram case_sensitive 1'
);
@postgresql? CREATE EXTENSION IF NOT EXISTS pg_trgm;
@postgresql? CREATE INDEX ix_search_docs_trgm ON search_docs USING gin (body gin_trgm_ops);
@postgresql? CREATE INDEX ix_search_docs_pairs ON search_docs USING gin (pairs gin_trgm_ops);
