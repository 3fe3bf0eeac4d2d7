"""Answer quality: /quotes and /summary scored against hand labels on real news.

Run by hand: `.venv/bin/python bench/answers_quality.py [--json] [--verbose] [--lang en|zh]
[--set answers|pages|probes]`. The `pages` set is held out: corpus web pages labelled after the
development set was tuned, read through the product's own HTML pipeline (as a feed item would be).
The `probes` set is 80 short articles written for the purpose by helpers who saw neither the code
nor its output (40 English, 40 Chinese, in two batches; see RULES.md); their text is kept in the
label.
Reads the gold labels under tests/gold/answers/ (rules in RULES.md there) and the article
texts they name under ../shared/ (never copied into the repository), runs
`bot.analysis.quotes.find_quotes` and `bot.analysis.summary.extractive_summary`, and prints,
per language and overall: quotation precision, recall, F1 and speaker accuracy, and ROUGE-1/2/L
F-measure of the system summary and of Lead-1/2/3 against the reference summaries.
The matching and ROUGE code is here (no package) so that its definition is fixed and tested.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD = ROOT / "tests" / "gold" / "answers"
GOLD_SETS = {
    "answers": GOLD,
    "pages": ROOT / "tests" / "gold" / "pages",
    "probes": ROOT / "tests" / "gold" / "probes",
}
LANGUAGES = ("en", "zh")
MATCH_THRESHOLD = 0.5  # token F1 at or above which a predicted quotation matches a gold one
LEADS = (1, 2, 3)
TARGETS = {"precision": 0.93, "recall": 0.90, "speaker": 0.90, "rouge_margin": 0.03}

_QUOTE_MARKS = "“”\"‘’'«»「」『』‹›„‚"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(rf"[{_CJK}]")
_ZH_TOKEN = re.compile(rf"[{_CJK}]|[a-z0-9]+")
_EN_TOKEN = re.compile(r"[a-z0-9]+")  # as the rouge-score package: apostrophes split words
_SPEAKER_DROP = re.compile(r"[\s.,，。、:：;；'’\"“”()（）\-–—]+")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


# --- normalisation and tokens -------------------------------------------------------------


def normalise(text: str) -> str:
    """NFKC, lower case, quote marks removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.translate({ord(c): " " for c in _QUOTE_MARKS})
    return " ".join(text.split())


def tokens(text: str, language: str) -> list[str]:
    """Chinese: one token per Han character (Latin words and numbers whole); English: words."""
    norm = normalise(text)
    pattern = _ZH_TOKEN if language == "zh" else _EN_TOKEN
    return pattern.findall(norm)


def normalise_speaker(name: str) -> str:
    """Case, spacing, punctuation and a leading article do not make a speaker different."""
    name = unicodedata.normalize("NFKC", name).strip()
    name = _LEADING_ARTICLE.sub("", name)
    return _SPEAKER_DROP.sub("", name.casefold()).replace("·", "").replace("•", "")


# --- quotation matching ----------------------------------------------------------------------


def overlap_f1(a: Sequence[str], b: Sequence[str]) -> float:
    """Bag-of-tokens F1 between two token lists (0 when either is empty)."""
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    if common == 0:
        return 0.0
    p, r = common / len(b), common / len(a)
    return 2 * p * r / (p + r)


@dataclass(frozen=True)
class GoldQuote:
    parts: tuple[str, ...]
    speaker: str | None
    aliases: tuple[str, ...] = ()
    optional: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.parts)

    def names(self) -> set[str]:
        if self.speaker is None:
            return set()
        return {normalise_speaker(n) for n in (self.speaker, *self.aliases)} - {""}


@dataclass(frozen=True)
class PredQuote:
    text: str
    speaker: str | None


@dataclass
class Match:
    gold: int
    pred: int
    score: float


def match_quotes(
    gold: Sequence[GoldQuote], pred: Sequence[PredQuote], language: str
) -> list[Match]:
    """One-to-one matches, best pairs first, among pairs whose token F1 ≥ MATCH_THRESHOLD."""
    gt = [tokens(g.text, language) for g in gold]
    pt = [tokens(p.text, language) for p in pred]
    pairs = [
        Match(i, j, s)
        for i in range(len(gold))
        for j in range(len(pred))
        if (s := overlap_f1(gt[i], pt[j])) >= MATCH_THRESHOLD
    ]
    pairs.sort(key=lambda m: (-m.score, m.gold, m.pred))
    used_g: set[int] = set()
    used_p: set[int] = set()
    out: list[Match] = []
    for m in pairs:
        if m.gold in used_g or m.pred in used_p:
            continue
        used_g.add(m.gold)
        used_p.add(m.pred)
        out.append(m)
    return sorted(out, key=lambda m: m.gold)


def speaker_ok(gold: GoldQuote, pred: PredQuote) -> bool:
    return pred.speaker is not None and normalise_speaker(pred.speaker) in gold.names()


@dataclass
class QuoteCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    speaker_checked: int = 0
    speaker_right: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    wrong_speakers: list[str] = field(default_factory=list)

    def add(self, other: QuoteCounts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.speaker_checked += other.speaker_checked
        self.speaker_right += other.speaker_right

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.speaker_checked if self.speaker_checked else 1.0


def score_quotes(
    gold: Sequence[GoldQuote], pred: Sequence[PredQuote], language: str
) -> QuoteCounts:
    """Counts for one article. Optional gold quotations neither reward nor punish."""
    matches = match_quotes(gold, pred, language)
    c = QuoteCounts()
    matched_g = {m.gold for m in matches}
    matched_p = {m.pred for m in matches}
    for m in matches:
        g, p = gold[m.gold], pred[m.pred]
        if g.optional:
            continue
        c.tp += 1
        if g.speaker is not None:
            c.speaker_checked += 1
            if speaker_ok(g, p):
                c.speaker_right += 1
            else:
                c.wrong_speakers.append(f"{_short(g.text)} — gold {g.speaker!r}, got {p.speaker!r}")
    for i, g in enumerate(gold):
        if i not in matched_g and not g.optional:
            c.fn += 1
            c.misses.append(f"{_short(g.text)} — {g.speaker!r}")
    for j, p in enumerate(pred):
        if j not in matched_p:
            c.fp += 1
            c.false_alarms.append(f"{_short(p.text)} — {p.speaker!r}")
    return c


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- ROUGE -------------------------------------------------------------------------------------


def _ngrams(toks: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def _f(overlap: float, n_ref: int, n_sys: int) -> float:
    if overlap == 0 or n_ref == 0 or n_sys == 0:
        return 0.0
    p, r = overlap / n_sys, overlap / n_ref
    return 2 * p * r / (p + r)


def rouge_n(ref: Sequence[str], sys_: Sequence[str], n: int) -> float:
    """ROUGE-N F-measure with clipped n-gram counts (one reference)."""
    r, s = _ngrams(ref, n), _ngrams(sys_, n)
    return _f(sum((r & s).values()), sum(r.values()), sum(s.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(ref: Sequence[str], sys_: Sequence[str]) -> float:
    """ROUGE-L F-measure (β = 1) over the whole token sequences."""
    return _f(lcs_length(ref, sys_), len(ref), len(sys_))


def rouge(reference: str, candidate: str, language: str) -> dict[str, float]:
    ref, cand = tokens(reference, language), tokens(candidate, language)
    return {"r1": rouge_n(ref, cand, 1), "r2": rouge_n(ref, cand, 2), "rl": rouge_l(ref, cand)}


# --- labels and corpus --------------------------------------------------------------------------


class LabelError(ValueError):
    """A gold file that breaks the rules in RULES.md."""


@dataclass(frozen=True)
class Article:
    label_path: Path
    text_path: Path
    language: str
    quotes: tuple[GoldQuote, ...]
    inline: str | None = None  # a probe article written for the purpose, kept in its label

    @property
    def name(self) -> str:
        return self.text_path.stem

    @property
    def summary_path(self) -> Path:
        return self.text_path.with_name(self.text_path.stem + ".summary.txt")

    def read_text(self) -> str:
        """The article as the product stores it: an HTML page goes through the product's
        pipeline (the stored Markdown), a text file is read as it is."""
        if self.inline is not None:
            return self.inline
        if self.text_path.suffix.lower() in (".html", ".htm"):
            from bot.content.pipeline import load_article_file

            return load_article_file(self.text_path).content_markdown or ""
        return self.text_path.read_text(encoding="utf-8")


def _gold_quote(raw: Any, where: str) -> GoldQuote:
    if not isinstance(raw, dict):
        raise LabelError(f"{where}: a quotation must be an object")
    text = raw.get("text")
    parts = (text,) if isinstance(text, str) else tuple(text) if isinstance(text, list) else ()
    if not parts or not all(isinstance(p, str) and p.strip() for p in parts):
        raise LabelError(f"{where}: text must be a non-empty string or list of strings")
    speaker = raw.get("speaker")
    if speaker is not None and (not isinstance(speaker, str) or not speaker.strip()):
        raise LabelError(f"{where}: speaker must be a non-empty string or null")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise LabelError(f"{where}: aliases must be a list of strings")
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        raise LabelError(f"{where}: optional must be true or false")
    return GoldQuote(tuple(parts), speaker, tuple(aliases), optional)


def load_label(path: Path, shared: Path = SHARED) -> Article:
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise LabelError(f"{path}: top level must be an object")
    file = raw.get("file")
    language = raw.get("language")
    inline = raw.get("text")
    if not isinstance(file, str) or not file:
        if not isinstance(inline, str) or not inline.strip():
            raise LabelError(f"{path}: 'file' (or, for a probe, 'text') missing")
        file = None
    if language not in LANGUAGES:
        raise LabelError(f"{path}: language must be one of {LANGUAGES}, not {language!r}")
    quotes = raw.get("quotes")
    if not isinstance(quotes, list):
        raise LabelError(f"{path}: 'quotes' must be a list")
    gold = tuple(_gold_quote(q, f"{path.name} quote {i}") for i, q in enumerate(quotes))
    if file is None:
        return Article(path, path, language, gold, inline)
    return Article(path, shared / file, language, gold)


def load_labels(gold_dir: Path = GOLD, shared: Path = SHARED) -> list[Article]:
    return [load_label(p, shared) for p in sorted(gold_dir.glob("*/*.json"))]


def check_article(article: Article) -> list[str]:
    """Problems with a label file: missing text, spans not verbatim in the text."""
    if not article.text_path.is_file():
        return [f"{article.label_path.name}: {article.text_path} does not exist"]
    text = article.read_text()
    return [
        f"{article.label_path.name}: span not in text: {part!r}"
        for q in article.quotes
        for part in q.parts
        if part not in text
    ]


# --- running the system -------------------------------------------------------------------------


_CLOSERS = "”’\"'」』)）"
_PROSE_END = re.compile(rf"[.!?。！？…][{_CLOSERS}]*$")
_ZH_STOP = re.compile(rf"[。！？!?][{_CLOSERS}]*")
_EN_STOP = re.compile(rf"[.!?][{_CLOSERS}]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Capt|Sgt|Gov|Sen|Rep|Rev|St|Jr|Sr|Inc|Ltd|Co|Corp|"
    r"No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Maj)|\b[A-Z]|\b(?:[A-Z]\.)+[A-Z])$"
)


def split_sentences(paragraph: str) -> list[str]:
    """A plain splitter, fixed here so Lead-k does not move when the product's splitter does."""
    out: list[str] = []
    start = 0
    stops = _ZH_STOP if _CJK_RE.search(paragraph) else _EN_STOP
    for m in stops.finditer(paragraph):
        head = paragraph[start : m.start()].rstrip()
        if stops is _EN_STOP and paragraph[m.start()] == "." and _ABBREV.search(head):
            continue
        piece = paragraph[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


def lead(text: str, k: int) -> str:
    """The first k sentences of the article's prose lines.

    Lines that do not end like a sentence (share bars, headings, bylines, "Media playback is
    not supported on this device") are skipped, as any sensible Lead baseline would.
    """
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or not _PROSE_END.search(line):
            continue
        out.extend(split_sentences(line))
        if len(out) >= k:
            break
    sep = "" if _CJK_RE.search("".join(out[:k])) else " "
    return sep.join(out[:k])


@dataclass
class ArticleResult:
    article: Article
    counts: QuoteCounts
    rouge: dict[str, dict[str, float]] | None  # system name → r1/r2/rl, when a reference exists


def evaluate(article: Article) -> ArticleResult:
    from bot.analysis.quotes import find_quotes
    from bot.analysis.summary import extractive_summary

    text = article.read_text()
    pred = [PredQuote(q.quote, q.speaker or None) for q in find_quotes(text, article.language)]
    counts = score_quotes(article.quotes, pred, article.language)
    scores: dict[str, dict[str, float]] | None = None
    if article.summary_path.is_file():
        reference = article.summary_path.read_text(encoding="utf-8")
        system = extractive_summary(text, article.language).text
        scores = {"system": rouge(reference, system, article.language)}
        for k in LEADS:
            scores[f"lead{k}"] = rouge(reference, lead(text, k), article.language)
    return ArticleResult(article, counts, scores)


def _mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else 0.0


def aggregate(results: Sequence[ArticleResult]) -> dict[str, Any]:
    total = QuoteCounts()
    for r in results:
        total.add(r.counts)
    with_ref = [r.rouge for r in results if r.rouge is not None]
    systems = ["system", *(f"lead{k}" for k in LEADS)]
    rouge_means = {
        s: {m: _mean(x[s][m] for x in with_ref) for m in ("r1", "r2", "rl")} for s in systems
    }
    best_lead = max((f"lead{k}" for k in LEADS), key=lambda s: rouge_means[s]["r1"])
    return {
        "articles": len(results),
        "quotes": {
            "gold": total.tp + total.fn,
            "predicted": total.tp + total.fp,
            "matched": total.tp,
            "precision": total.precision,
            "recall": total.recall,
            "f1": total.f1,
            "speaker_checked": total.speaker_checked,
            "speaker_accuracy": total.speaker_accuracy,
        },
        "summary": {
            "articles_with_reference": len(with_ref),
            "rouge": rouge_means,
            "best_lead": best_lead,
            "r1_margin_over_best_lead": rouge_means["system"]["r1"] - rouge_means[best_lead]["r1"],
        },
    }


def _mark(ok: bool) -> str:
    return "ok " if ok else "BELOW"


def render(report: dict[str, Any]) -> str:
    lines: list[str] = []
    for group, agg in report.items():
        q, s = agg["quotes"], agg["summary"]
        lines.append(f"== {group}: {agg['articles']} articles")
        lines.append(
            f"  quotes  gold {q['gold']}  predicted {q['predicted']}  matched {q['matched']}"
        )
        for key, target in (("precision", "precision"), ("recall", "recall")):
            value = q[key]
            lines.append(
                f"  {key:<18}{value:6.3f}   target ≥ {TARGETS[target]:.2f}  "
                f"{_mark(value >= TARGETS[target])}"
            )
        lines.append(f"  {'f1':<18}{q['f1']:6.3f}")
        acc = q["speaker_accuracy"]
        lines.append(
            f"  {'speaker accuracy':<18}{acc:6.3f}   target ≥ {TARGETS['speaker']:.2f}  "
            f"{_mark(acc >= TARGETS['speaker'])}  (over {q['speaker_checked']} matched)"
        )
        n = s["articles_with_reference"]
        if not n:
            lines.append("  summary: no article here has a reference summary")
            continue
        lines.append(f"  summary ROUGE F (mean over {n} articles with a reference)")
        lines.append(f"    {'':<8}{'R-1':>7}{'R-2':>7}{'R-L':>7}")
        for name, vals in s["rouge"].items():
            lines.append(f"    {name:<8}{vals['r1']:7.3f}{vals['r2']:7.3f}{vals['rl']:7.3f}")
        margin = s["r1_margin_over_best_lead"]
        ok = margin >= TARGETS["rouge_margin"]
        lines.append(
            f"    system R-1 − best lead ({s['best_lead']}) = {margin:+.3f}   "
            f"target ≥ +{TARGETS['rouge_margin']:.2f}  {_mark(ok)}"
        )
    return "\n".join(lines)


def _verbose(results: Sequence[ArticleResult]) -> str:
    lines: list[str] = []
    for r in results:
        c = r.counts
        if not (c.misses or c.false_alarms or c.wrong_speakers):
            continue
        lines.append(f"-- {r.article.language}/{r.article.name}  tp {c.tp} fp {c.fp} fn {c.fn}")
        lines.extend(f"   miss   {m}" for m in c.misses)
        lines.extend(f"   false  {m}" for m in c.false_alarms)
        lines.extend(f"   who?   {m}" for m in c.wrong_speakers)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--verbose", action="store_true", help="misses and false alarms")
    parser.add_argument("--lang", choices=LANGUAGES, help="one language only")
    parser.add_argument(
        "--set", choices=sorted(GOLD_SETS), default="answers", help="which labelled set"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    labels = load_labels(GOLD_SETS[args.set])
    articles = [a for a in labels if args.lang in (None, a.language)]
    problems = [p for a in articles for p in check_article(a)]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    results = [evaluate(a) for a in articles]
    report: dict[str, Any] = {}
    for language in LANGUAGES:
        subset = [r for r in results if r.article.language == language]
        if subset:
            report[language] = aggregate(subset)
    report["overall"] = aggregate(results)
    if args.json:
        out: dict[str, Any] = {"targets": TARGETS, "report": report}
        if args.verbose:
            out["articles"] = [
                {
                    "file": str(r.article.text_path.relative_to(SHARED)),
                    "language": r.article.language,
                    "tp": r.counts.tp,
                    "fp": r.counts.fp,
                    "fn": r.counts.fn,
                    "misses": r.counts.misses,
                    "false_alarms": r.counts.false_alarms,
                    "wrong_speakers": r.counts.wrong_speakers,
                    "rouge": r.rouge,
                }
                for r in results
            ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if args.verbose:
        print(_verbose(results))
    print(render(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
