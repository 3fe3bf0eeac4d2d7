"""Feed item → clean Article: sanitize, convert to Markdown, lift metadata out of the body."""
