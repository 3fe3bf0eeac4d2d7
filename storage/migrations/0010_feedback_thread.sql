-- The forum topic a reader wrote feedback in, so the admins' answer goes back into
-- that topic even when the reader's message is gone (NULL outside forum topics).
ALTER TABLE feedback ADD COLUMN message_thread_id {bigint};
