"""Article → Telegram messages: plain text plus entities, split to chat size."""
