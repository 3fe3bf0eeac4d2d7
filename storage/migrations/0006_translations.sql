-- Translation routes: each article's translation per target language and source hash
-- (the hash also makes it the cache), and each route's characters translated per day.

CREATE TABLE translations (
    id {pk},
    article_id {bigint} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    route_id {bigint} REFERENCES routes (id) ON DELETE SET NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    title TEXT,
    content_html TEXT,
    translator TEXT,
    chars INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    next_attempt_at {ts} NOT NULL,
    lease_until {ts},
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    UNIQUE (article_id, target, source_hash)
);

CREATE INDEX translations_due ON translations (state, next_attempt_at);
CREATE INDEX translations_cache ON translations (target, source_hash, state);

CREATE TABLE translation_usage (
    route_id {bigint} NOT NULL REFERENCES routes (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    chars INTEGER NOT NULL DEFAULT 0,
    notified {bool} NOT NULL DEFAULT FALSE,
    PRIMARY KEY (route_id, day)
);
