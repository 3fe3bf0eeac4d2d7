-- Items a route stored but did not post, and why: "filtered" (its include/exclude
-- rules) or "duplicate" (the chat already got the same article through another feed).
CREATE TABLE route_outcomes (
    id {pk},
    route_id {bigint} NOT NULL REFERENCES routes (id) ON DELETE CASCADE,
    article_id {bigint} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    outcome TEXT NOT NULL,
    detail TEXT,
    created_at {ts} NOT NULL,
    UNIQUE (route_id, article_id)
);
CREATE INDEX ix_route_outcomes_route ON route_outcomes (route_id, outcome);
