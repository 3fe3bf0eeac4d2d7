"""Test helpers around the Bot API stand-in (bot/standin): pytest fixtures and test data.

Fixtures (tests/fakes/plugin.py): `fake_telegram`, `fake_bot`, `http_fake_telegram`.
"""
