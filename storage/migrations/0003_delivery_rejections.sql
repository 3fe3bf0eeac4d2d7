-- Count Telegram's outright rejections of a post apart from its attempts, so flood
-- waits and network retries never use up the give-up budget meant for bad posts.

ALTER TABLE deliveries ADD COLUMN rejections INTEGER NOT NULL DEFAULT 0;
