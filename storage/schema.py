"""The current schema as SQLAlchemy Core tables, for queries.

The migrations in storage/migrations/ are the history that builds it; a test
checks that the two agree.
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.types import BigId, UTCDateTime

metadata = sa.MetaData()


def _pk() -> sa.Column[int]:
    return sa.Column("id", BigId, primary_key=True, autoincrement=True)


def _article_key() -> sa.Column[int]:
    """The key of a table holding one row per article, gone with the article."""
    return sa.Column(
        "article_id",
        BigId,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )


feeds = sa.Table(
    "feeds",
    metadata,
    _pk(),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("title", sa.Text),
    sa.Column("site_url", sa.Text),
    sa.Column("language", sa.Text),
    sa.Column("interval_seconds", sa.Integer, nullable=False, server_default="600"),
    sa.Column("fulltext", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("backfill", sa.Integer, nullable=False, server_default="0"),
    sa.Column("baseline_done", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_polled_at", UTCDateTime),
    sa.Column("last_success_at", UTCDateTime),
    sa.Column("next_poll_at", UTCDateTime, nullable=False),
    sa.Column("lease_until", UTCDateTime),
    sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("options", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("lease_token", sa.Text),
)

routes = sa.Table(
    "routes",
    metadata,
    _pk(),
    sa.Column("feed_id", BigId, sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("paused_reason", sa.Text),
    sa.Column("options", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("feed_id", "chat_id"),
)

articles = sa.Table(
    "articles",
    metadata,
    _pk(),
    sa.Column("feed_id", BigId, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
    sa.Column("guid", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("authors", sa.JSON, nullable=False, default=list),
    sa.Column("translator", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("published_at", UTCDateTime),
    sa.Column("language", sa.Text),
    sa.Column("content_html", sa.Text),
    sa.Column("content_markdown", sa.Text, nullable=False, default=""),
    sa.Column("content_hash", sa.Text),
    sa.Column("lead_image", sa.Text),
    sa.Column("enclosures", sa.JSON, nullable=False, default=list),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
    sa.Column("update_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("item_key", sa.Text),
    sa.Index("ux_articles_item_key", "feed_id", "item_key", unique=True),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    _pk(),
    sa.Column(
        "article_id", BigId, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("route_id", BigId, sa.ForeignKey("routes.id", ondelete="SET NULL")),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("state", sa.Text, nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("lease_until", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.Column("rejections", sa.Integer, nullable=False, server_default="0"),
    sa.Column("lease_token", sa.Text),
    sa.Column("rendered", sa.JSON),
    sa.Column("edit_pending", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("article_id", "chat_id"),
)

messages = sa.Table(
    "messages",
    metadata,
    _pk(),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("message_id", sa.BigInteger, nullable=False),
    sa.Column(
        "article_id", BigId, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("delivery_id", BigId, sa.ForeignKey("deliveries.id", ondelete="SET NULL")),
    sa.Column("part", sa.Integer, nullable=False),
    sa.Column("kind", sa.Text, nullable=False, server_default="post"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("chat_id", "message_id"),
    sa.Index("ux_messages_delivery_part", "delivery_id", "part", unique=True),
)

chats = sa.Table(
    "chats",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("type", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("username", sa.Text),
    sa.Column("linked_chat_id", sa.BigInteger),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

feedback = sa.Table(
    "feedback",
    metadata,
    _pk(),
    sa.Column("user_id", sa.BigInteger, nullable=False),
    sa.Column("user_name", sa.Text),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("message_id", sa.BigInteger),
    sa.Column("article_id", BigId, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("admin_chat_id", sa.BigInteger),
    sa.Column("admin_message_id", sa.BigInteger),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("answered_at", UTCDateTime),
    sa.Column("answered_by", sa.BigInteger),
    sa.Column("message_thread_id", sa.BigInteger),
)

feedback_replies = sa.Table(
    "feedback_replies",
    metadata,
    _pk(),
    sa.Column(
        "feedback_id", BigId, sa.ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("admin_id", sa.BigInteger, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

comments = sa.Table(
    "comments",
    metadata,
    _pk(),
    sa.Column(
        "article_id", BigId, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("message_id", sa.BigInteger, nullable=False),
    sa.Column("user_id", sa.BigInteger),
    sa.Column("user_name", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("chat_id", "message_id"),
)

analysis_cache = sa.Table(
    "analysis_cache",
    metadata,
    _article_key(),
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("method", sa.Text, primary_key=True),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

translations = sa.Table(
    "translations",
    metadata,
    _pk(),
    sa.Column(
        "article_id", BigId, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("source_hash", sa.Text, nullable=False),
    sa.Column("route_id", BigId, sa.ForeignKey("routes.id", ondelete="SET NULL")),
    sa.Column("state", sa.Text, nullable=False, server_default="pending"),
    sa.Column("title", sa.Text),
    sa.Column("content_html", sa.Text),
    sa.Column("translator", sa.Text),
    sa.Column("chars", sa.Integer, nullable=False, server_default="0"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("lease_until", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("article_id", "target", "source_hash"),
)

translation_usage = sa.Table(
    "translation_usage",
    metadata,
    sa.Column(
        "route_id",
        BigId,
        sa.ForeignKey("routes.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("day", sa.Text, primary_key=True),
    sa.Column("chars", sa.Integer, nullable=False, server_default="0"),
    sa.Column("notified", sa.Boolean, nullable=False, server_default=sa.false()),
)
send_pacing = sa.Table(
    "send_pacing",
    metadata,
    sa.Column("scope", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("next_at", sa.Float, nullable=False),
)

send_log = sa.Table(
    "send_log",
    metadata,
    _pk(),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("sent_at", sa.Float, nullable=False),
)

search_docs = sa.Table(
    "search_docs",
    metadata,
    _article_key(),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("pairs", sa.Text, nullable=False, server_default=""),
)

route_outcomes = sa.Table(
    "route_outcomes",
    metadata,
    _pk(),
    sa.Column("route_id", BigId, sa.ForeignKey("routes.id", ondelete="CASCADE"), nullable=False),
    sa.Column(
        "article_id", BigId, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("detail", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("route_id", "article_id"),
)

article_keys = sa.Table(
    "article_keys",
    metadata,
    _article_key(),
    sa.Column("canonical_url", sa.Text),
    sa.Column("content_key", sa.Text),
)
