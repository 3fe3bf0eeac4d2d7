-- The pipeline's tables: feeds, routes, articles, the outbox and sent messages,
-- plus the conversation tables (chats, feedback, comments).

CREATE TABLE feeds (
    id {pk},
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    site_url TEXT,
    language TEXT,
    interval_seconds INTEGER NOT NULL DEFAULT 600,
    fulltext {bool} NOT NULL DEFAULT FALSE,
    backfill INTEGER NOT NULL DEFAULT 0,
    baseline_done {bool} NOT NULL DEFAULT FALSE,
    active {bool} NOT NULL DEFAULT TRUE,
    etag TEXT,
    last_modified TEXT,
    last_polled_at {ts},
    last_success_at {ts},
    next_poll_at {ts} NOT NULL,
    lease_until {ts},
    error_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    options {json} NOT NULL DEFAULT '{}',
    created_at {ts} NOT NULL
);
CREATE INDEX ix_feeds_due ON feeds (active, next_poll_at);

CREATE TABLE routes (
    id {pk},
    feed_id {bigint} NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    chat_id {bigint} NOT NULL,
    active {bool} NOT NULL DEFAULT TRUE,
    paused_reason TEXT,
    options {json} NOT NULL DEFAULT '{}',
    created_at {ts} NOT NULL,
    UNIQUE (feed_id, chat_id)
);
CREATE INDEX ix_routes_chat ON routes (chat_id);

CREATE TABLE articles (
    id {pk},
    feed_id {bigint} REFERENCES feeds (id) ON DELETE SET NULL,
    guid TEXT,
    url TEXT,
    title TEXT NOT NULL,
    authors {json} NOT NULL DEFAULT '[]',
    translator TEXT,
    source TEXT,
    published_at {ts},
    language TEXT,
    content_html TEXT,
    content_markdown TEXT NOT NULL DEFAULT '',
    content_hash TEXT,
    lead_image TEXT,
    enclosures {json} NOT NULL DEFAULT '[]',
    extra {json} NOT NULL DEFAULT '{}',
    update_count INTEGER NOT NULL DEFAULT 0,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_articles_feed_guid ON articles (feed_id, guid);
CREATE INDEX ix_articles_feed_url ON articles (feed_id, url);
CREATE INDEX ix_articles_feed_hash ON articles (feed_id, content_hash);
CREATE INDEX ix_articles_created ON articles (created_at);

CREATE TABLE deliveries (
    id {pk},
    article_id {bigint} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    route_id {bigint} REFERENCES routes (id) ON DELETE SET NULL,
    chat_id {bigint} NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {ts} NOT NULL,
    lease_until {ts},
    last_error TEXT,
    created_at {ts} NOT NULL,
    finished_at {ts},
    UNIQUE (article_id, chat_id)
);
CREATE INDEX ix_deliveries_due ON deliveries (state, next_attempt_at);

CREATE TABLE messages (
    id {pk},
    chat_id {bigint} NOT NULL,
    message_id {bigint} NOT NULL,
    article_id {bigint} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    delivery_id {bigint} REFERENCES deliveries (id) ON DELETE SET NULL,
    part INTEGER NOT NULL,
    kind TEXT NOT NULL DEFAULT 'post',
    created_at {ts} NOT NULL,
    UNIQUE (chat_id, message_id)
);
CREATE INDEX ix_messages_article ON messages (article_id);
CREATE INDEX ix_messages_delivery ON messages (delivery_id, part);

CREATE TABLE chats (
    id {bigint} PRIMARY KEY,
    type TEXT,
    title TEXT,
    username TEXT,
    linked_chat_id {bigint},
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_chats_username ON chats (username);

CREATE TABLE feedback (
    id {pk},
    user_id {bigint} NOT NULL,
    user_name TEXT,
    chat_id {bigint} NOT NULL,
    message_id {bigint},
    article_id {bigint} REFERENCES articles (id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    admin_chat_id {bigint},
    admin_message_id {bigint},
    created_at {ts} NOT NULL,
    answered_at {ts},
    answered_by {bigint}
);
CREATE INDEX ix_feedback_admin_message ON feedback (admin_chat_id, admin_message_id);

CREATE TABLE feedback_replies (
    id {pk},
    feedback_id {bigint} NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    admin_id {bigint} NOT NULL,
    text TEXT NOT NULL,
    created_at {ts} NOT NULL
);

CREATE TABLE comments (
    id {pk},
    article_id {bigint} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    chat_id {bigint} NOT NULL,
    message_id {bigint} NOT NULL,
    user_id {bigint},
    user_name TEXT,
    text TEXT NOT NULL,
    created_at {ts} NOT NULL,
    UNIQUE (chat_id, message_id)
);
CREATE INDEX ix_comments_article ON comments (article_id, created_at);
