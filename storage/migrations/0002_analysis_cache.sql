-- Answers are computed once per article and summarizer, then served from here.

CREATE TABLE analysis_cache (
    article_id {bigint} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    method TEXT NOT NULL,
    payload {json} NOT NULL,
    created_at {ts} NOT NULL,
    PRIMARY KEY (article_id, kind, method)
);
