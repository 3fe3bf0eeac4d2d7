"""`chatwire demo`: the whole pipeline on embedded defaults, with a stand-in for Telegram."""
