-- Cross-feed de-duplication: each queued article's canonical link and text hash,
-- so a chat reached by two feeds gets the same article once.
CREATE TABLE article_keys (
    article_id {bigint} PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    canonical_url TEXT,
    content_key TEXT
);
CREATE INDEX ix_article_keys_url ON article_keys (canonical_url);
CREATE INDEX ix_article_keys_content ON article_keys (content_key);
