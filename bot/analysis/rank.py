"""TextRank over tf-idf sentence vectors, with a position prior.

Chinese has no spaces, so CJK runs become character bigrams; Latin words are
lower-cased, stop-listed and lightly stemmed. Similarities are accumulated
through an inverted index, so sparse articles cost far less than n².
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import pairwise

from bot.analysis.lexicon import words

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
_STOP = words(
    "a an the and or but if of to in on at by for with from as is are was were be been "
    "being it its this that these those he she they we i you his her their our your him "
    "them us not no so than then there here has have had do does did will would can could "
    "should may might must also just more most very said says say told about into over "
    "after before up out what which who whom when where why how all any some such only own "
    "same other s t mr ms mrs dr"
)
_CJK_STOP = frozenset("的了是在和与及或也都而就又还这那其之于被把对从到为以")

Vector = dict[str, float]


def _stem(word: str) -> str:
    w = word.strip("'’-")
    for suffix, min_len in (("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if w.endswith(suffix) and len(w) >= min_len and not w.endswith("ss"):
            return w[: -len(suffix)]
    return w


def tokens(sentence: str) -> list[str]:
    """Features of one sentence: CJK bigrams and stemmed Latin words."""
    out: list[str] = []
    for run in _CJK_RUN.findall(sentence):
        chars = [c for c in run if c not in _CJK_STOP] or list(run)
        if len(chars) == 1:
            out.append(chars[0])
        out.extend(a + b for a, b in pairwise(chars))
    for word in _WORD.findall(_CJK_RUN.sub(" ", sentence.lower())):
        if word not in _STOP and len(word) > 1:
            out.append(_stem(word))
    return out


def tfidf(docs: Sequence[list[str]]) -> list[Vector]:
    """Unit-length tf-idf vectors; terms in more than half the sentences are dropped."""
    n = len(docs)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(doc))
    limit = max(2, n // 2)
    vectors: list[Vector] = []
    for doc in docs:
        vec: Vector = {}
        for term, tf in Counter(doc).items():
            if n > 4 and df[term] > limit:
                continue
            vec[term] = (1.0 + math.log(tf)) * math.log((n + 1) / df[term])
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def similarity_graph(vectors: Sequence[Vector], keep: int = 24) -> list[dict[int, float]]:
    """Cosine similarities between pairs that share a term, `keep` strongest per sentence.

    Pruning to the strongest neighbours (kept if either end keeps the edge) bounds
    PageRank's work at O(n·keep) per iteration even for repetitive text.
    """
    postings: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vec in enumerate(vectors):
        for term in sorted(vec):
            postings[term].append((i, vec[term]))
    graph: list[dict[int, float]] = [{} for _ in vectors]
    for plist in postings.values():
        for a in range(len(plist)):
            i, wi = plist[a]
            row = graph[i]
            for b in range(a + 1, len(plist)):
                j, wj = plist[b]
                row[j] = row.get(j, 0.0) + wi * wj
    for i, row in enumerate(graph):
        for j, w in row.items():
            graph[j][i] = w
    pruned: list[dict[int, float]] = [{} for _ in vectors]
    for i, row in enumerate(graph):
        for j in sorted(row, key=lambda j: (-row[j], j))[:keep]:
            pruned[i][j] = pruned[j][i] = row[j]
    return pruned


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def pagerank(
    graph: Sequence[dict[int, float]],
    prior: Sequence[float],
    *,
    damping: float = 0.85,
    iterations: int = 50,
    tolerance: float = 1e-7,
) -> list[float]:
    """Weighted PageRank whose teleport follows `prior` (personalised PageRank)."""
    n = len(graph)
    if n == 0:
        return []
    total = sum(prior) or 1.0
    tele = [p / total for p in prior]
    edges: list[list[tuple[int, float]]] = []
    for row in graph:
        out = sum(row.values())
        edges.append([(i, row[i] / out) for i in sorted(row)] if out > 0 else [])
    dangling_nodes = [j for j in range(n) if not edges[j]]
    score = list(tele)
    for _ in range(iterations):
        dangling = damping * sum(score[j] for j in dangling_nodes)
        new = [(1.0 - damping + dangling) * t for t in tele]
        for j, links in enumerate(edges):
            share = damping * score[j]
            for i, w in links:
                new[i] += share * w
        delta = sum(abs(a - b) for a, b in zip(new, score, strict=True))
        score = new
        if delta < tolerance:
            break
    return score
