"""The bot's own words, in Chinese and English, chosen by the reader's language."""

from __future__ import annotations

Language = str  # "zh" or "en"

_TEXTS: dict[str, dict[Language, str]] = {
    "help": {
        "en": (
            "chatwire posts articles from feeds into channels and answers questions about them.\n\n"
            "Ask about a post:\n"
            "• In the channel's discussion group, reply to the post (or any part of it) with "
            "/summary or /quotes.\n"
            "• Here in private: forward me a post and reply to it with /summary or /quotes, "
            "or send /summary <post link or id>. /summary alone takes the latest post.\n\n"
            "/latest — the latest posts here (in private: of the channels you can see) "
            "and their ids\n"
            "/search <words> — find the posts you can see that hold the words\n"
            "/summary — a short summary of a post\n"
            "/quotes — who said what in a post\n"
            "/feedback <text> — tell the editors something\n"
            "/help — this message"
        ),
        "zh": (
            "chatwire 把订阅源里的文章发到频道，并回答读者关于文章的问题。\n\n"
            "如何提问：\n"
            "• 在频道的讨论组里，回复帖子（或帖子的任何一部分）并发送 /summary 或 /quotes。\n"
            "• 在与我的私聊中：把帖子转发给我，回复它并发送 /summary 或 /quotes，"
            "或者发送 /summary <帖子链接或编号>。只发 /summary 则针对最新的帖子。\n\n"
            "/latest — 本群最新的帖子及其编号（私聊中：你能看到的频道的帖子）\n"
            "/search <关键词> — 搜索你能看到的帖子\n"
            "/summary — 帖子的摘要\n"
            "/quotes — 帖子中谁说了什么\n"
            "/feedback <内容> — 给编辑留言\n"
            "/help — 显示本说明"
        ),
    },
    "no_post": {
        "en": (
            "I can't tell which post you mean. Reply to a post (or a forwarded post) with the "
            "command, or give a post link or an id from /latest, e.g. /summary 12."
        ),
        "zh": (
            "我不知道你指的是哪篇帖子。请回复帖子（或转发来的帖子）发送该命令，"
            "或者附上帖子链接或 /latest 中的编号，例如 /summary 12。"
        ),
    },
    "unknown_post": {
        "en": "I have no post for {ref}. Send /latest to see the posts I know.",
        "zh": "没有找到 {ref} 对应的帖子。发送 /latest 查看已有的帖子。",
    },
    "nothing_posted": {
        "en": "Nothing has been posted yet. Once articles are posted, /latest lists them.",
        "zh": "还没有发布任何帖子。发布之后可以用 /latest 查看。",
    },
    "latest_title": {"en": "Latest posts:", "zh": "最新帖子："},
    "latest_hint": {
        "en": "Send /summary <id> or /quotes <id> for one of them.",
        "zh": "发送 /summary <编号> 或 /quotes <编号> 查看其中一篇。",
    },
    "slow_down": {
        "en": "You're sending commands faster than I can answer. Please try again in {seconds} s.",
        "zh": "你发送命令太快了，请 {seconds} 秒后再试。",
    },
    "failed": {
        "en": "Sorry, something went wrong while answering. The admins have been told.",
        "zh": "抱歉，回答时出错了，已通知管理员。",
    },
}


def language_of(code: str | None) -> Language:
    """Telegram's IETF language tag → the language the bot answers in."""
    return "zh" if code and code.lower().startswith("zh") else "en"


def text(key: str, language: Language, **values: object) -> str:
    entry = _TEXTS[key]
    return entry.get(language, entry["en"]).format(**values)
