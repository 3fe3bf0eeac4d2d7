-- Fenced delivery leases, stored renderings, edits through the outbox, shared pacing.
--
-- lease_token: each claim writes a new token; every write for a claimed delivery
-- names it, so a worker whose lease ran out (and was claimed by another) is refused.
-- rendered: the parts a post was cut into when its first part went out, so a post
-- resumed later never splices a newer rendering onto an older one.
-- edit_pending: the article changed and this chat's post should be edited; the
-- publisher does it after the post is complete, through its lease and pacing.

ALTER TABLE deliveries ADD COLUMN lease_token TEXT;
ALTER TABLE deliveries ADD COLUMN rendered {json};
ALTER TABLE deliveries ADD COLUMN edit_pending {bool} NOT NULL DEFAULT FALSE;

-- A delivery's part is recorded once. Discussion-group copies are not parts of a
-- delivery (they map to the channel post through article and part), and a part sent
-- twice before this migration keeps its message (replies still find the article) but
-- no longer counts as the delivery's part.
UPDATE messages SET delivery_id = NULL WHERE kind = 'discussion_copy';
UPDATE messages SET delivery_id = NULL
WHERE delivery_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM messages AS earlier
    WHERE earlier.delivery_id = messages.delivery_id
      AND earlier.part = messages.part
      AND earlier.id < messages.id
);
CREATE UNIQUE INDEX ux_messages_delivery_part ON messages (delivery_id, part);

-- Pacing shared by every worker process: the next free send time per scope (chat id;
-- 0 is the overall limit), and recent sends per group chat for the per-minute window.
-- Times are seconds since the epoch on the database's clock.
CREATE TABLE send_pacing (
    scope {bigint} PRIMARY KEY,
    next_at DOUBLE PRECISION NOT NULL
);
INSERT INTO send_pacing (scope, next_at) VALUES (0, 0);
CREATE TABLE send_log (
    id {pk},
    chat_id {bigint} NOT NULL,
    sent_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX ix_send_log_chat ON send_log (chat_id, sent_at);
