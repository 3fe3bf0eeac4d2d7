"""Delivery: claim the outbox, pace per chat, send parts, record them, handle Telegram's errors."""
