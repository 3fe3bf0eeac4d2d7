-- Fenced feed leases and an article key a duplicate insert cannot get past.
-- Each claim of a feed writes a fresh lease_token; every write of that poll's
-- result names the token, so a poller whose lease ran out (and was claimed
-- again by another) changes nothing. item_key is 'g:' + guid, or 'u:' + link
-- for an item without a guid: two overlapping polls cannot both insert it.

ALTER TABLE feeds ADD COLUMN lease_token TEXT;
ALTER TABLE articles ADD COLUMN item_key TEXT;

-- Existing articles get their key; a duplicate stored before this migration
-- (the bug it closes) keeps NULL, so the unique index can be built.
UPDATE articles SET item_key = 'g:' || guid
WHERE feed_id IS NOT NULL AND guid IS NOT NULL AND guid <> '' AND length(guid) <= 256
  AND id = (SELECT MIN(a.id) FROM articles a WHERE a.feed_id = articles.feed_id AND a.guid = articles.guid);

UPDATE articles SET item_key = 'u:' || url
WHERE feed_id IS NOT NULL AND (guid IS NULL OR guid = '') AND url IS NOT NULL AND url <> ''
  AND length(url) <= 256
  AND id = (SELECT MIN(a.id) FROM articles a
            WHERE a.feed_id = articles.feed_id AND a.url = articles.url
              AND (a.guid IS NULL OR a.guid = ''));

CREATE UNIQUE INDEX ux_articles_item_key ON articles (feed_id, item_key);
