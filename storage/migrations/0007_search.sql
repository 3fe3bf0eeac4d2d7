-- Full-text search: one normalised document per article (NFKC, case-folded, written
-- by storage/search.py in the article's own transaction), found by substring.
-- SQLite indexes it with FTS5's trigram tokenizer, PostgreSQL with pg_trgm.
CREATE TABLE search_docs (
    article_id {bigint} PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    body TEXT NOT NULL
);
@sqlite CREATE VIRTUAL TABLE search_fts USING fts5(
    body, content='search_docs', content_rowid='article_id', tokenize='trigram case_sensitive 1'
);
@postgresql CREATE EXTENSION IF NOT EXISTS pg_trgm;
@postgresql CREATE INDEX ix_search_docs_trgm ON search_docs USING gin (body gin_trgm_ops);
