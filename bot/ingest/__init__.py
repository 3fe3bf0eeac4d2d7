"""Ingest: fetch feeds politely, parse them, de-duplicate, and store new articles."""
