"""The conversation map: the page's public comments grouped by meaning (local sentence
embeddings, ``analysis/embeddings.py``), each group labelled by its most telling words, with
its size, the polls its comments are on and their votes, and sample comments, those the team
has not answered first; groups with the most unanswered comments come first. What most
people agree on and what divides them comes from the comments' stances per group and the
polls' tallies (``stance.py``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.backstage.decisions import answered_ids
from coulisses.backstage.polls import tally
from coulisses.backstage.stance import Stand, judge_poll, judge_theme, stances
from coulisses.backstage.tables import BackstagePage, Poll, PublicComment

Embed = Callable[[list[str]], np.ndarray]
MAX_GROUPS = 8
SAMPLES = 3
LABEL_WORDS = 3
ROUNDS = 25
_WORD = re.compile(r"[^\W\d_]{3,}")
ENGLISH = frozenset(re.findall(r"\S+", """
the and for are but not you your with this that have has had was were will would can could
should they them their there here what when where which who why how all any some just like
more most very much also too than then into out about from our ours its it's i'm don't
dont really think want love loved looks look make made one two get got see please"""))
FRENCH = frozenset(re.findall(r"\S+", """
les des une est pas que qui pour dans sur avec mais par plus tout tous toute toutes vous
nous ils elles leur leurs ces cette cet son ses mon mes ton tes aux été être avoir fait
faire comme bien très trop aussi encore déjà donc alors quand sont suis était avez avons
moi toi lui elle peu vraiment serait doit"""))
STOPWORDS = ENGLISH | FRENCH
MIN_SEPARATION = 0.08  # below this, splitting a language's comments in two adds nothing


@dataclass(frozen=True)
class Said:
    """One visitor's comment on the map."""

    comment_id: int
    body: str
    name: str
    poll_id: int | None
    status: str  # visible or held
    answered: bool
    at: datetime


@dataclass(frozen=True)
class Theme:
    """A group of comments close in meaning."""

    label: str
    words: tuple[str, ...]
    size: int
    unanswered: int
    samples: tuple[Said, ...]  # unanswered first, then closest to the group's centre
    polls: tuple[tuple[str, int], ...]  # (question, counted votes) of the polls it is on
    ids: tuple[int, ...]  # its unanswered comments, which a decision on it answers
    pro: int = 0  # comments for (stance.py)
    con: int = 0  # comments against


@dataclass(frozen=True)
class ConversationMap:
    themes: tuple[Theme, ...]
    comments: int
    unanswered: int
    polls: tuple[tuple[str, int, int], ...]  # question, counted votes, excluded votes
    agreed: tuple[Stand, ...] = ()  # what most people agree on (stance.py), most voices first
    divided: tuple[Stand, ...] = ()  # what divides them


def language_of(text: str) -> str:
    """``fr`` or ``en``, from the function words the text uses (the model was trained on
    English and places French texts near each other whatever they say, so each language
    is grouped on its own)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    french = sum(w in FRENCH or w in ("le", "la", "un", "et", "je", "de", "du") for w in words)
    english = sum(w in ENGLISH or w in ("a", "i", "is", "it", "to", "of", "in") for w in words)
    return "fr" if french > english else "en"


def separation(vectors: np.ndarray, labels: np.ndarray) -> float:
    """How much closer each text is to its own group's centre than to the next one's (the
    mean over texts; 0 for one group)."""
    k = int(labels.max()) + 1 if len(labels) else 0
    if k < 2:
        return 0.0
    centres = np.stack([vectors[labels == j].mean(axis=0) for j in range(k)])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9)
    sims = vectors @ centres.T
    own = sims[np.arange(len(vectors)), labels]
    sims[np.arange(len(vectors)), labels] = -np.inf
    return float(np.mean(own - sims.max(axis=1)))


def grouped(vectors: np.ndarray) -> np.ndarray:
    """Group labels with the number of groups chosen by ``separation`` (1 to
    ``MAX_GROUPS``, groups of two texts or more on average)."""
    n = len(vectors)
    best, best_score = np.zeros(n, dtype=np.int64), MIN_SEPARATION
    for k in range(2, min(MAX_GROUPS, n // 2) + 1):
        labels = cluster(vectors, k)
        score = separation(vectors, labels)
        if score > best_score:
            best, best_score = labels, score
    return best


def cluster(vectors: np.ndarray, k: int) -> np.ndarray:
    """Spherical k-means on unit vectors, deterministic (farthest-point seeds from the most
    central one); returns each row's group index, groups numbered by size, largest first."""
    n = len(vectors)
    if n == 0 or k <= 1:
        return np.zeros(n, dtype=np.int64)
    k = min(k, n)
    mean = vectors.mean(axis=0)
    seeds = [int(np.argmax(vectors @ mean))]
    nearest = vectors @ vectors[seeds[0]]
    for _ in range(1, k):
        seeds.append(int(np.argmin(nearest)))
        nearest = np.maximum(nearest, vectors @ vectors[seeds[-1]])
    centres = vectors[seeds].copy()
    labels = np.full(n, -1, dtype=np.int64)
    for _ in range(ROUNDS):
        new = np.argmax(vectors @ centres.T, axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        sums = np.eye(k, dtype=vectors.dtype)[labels].T @ vectors  # one product, not k masks
        norms = np.linalg.norm(sums, axis=1)
        filled = norms > 0  # a group left empty keeps its centre
        centres[filled] = sums[filled] / norms[filled, None]
    order = np.argsort(-np.bincount(labels, minlength=k), kind="stable")
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    result: np.ndarray = rank[labels]
    return result


def words_of(text: str) -> set[str]:
    """The words that may label a group: lower case, three letters or more, no stop words."""
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS}


def label_words(group: Sequence[str], everyone: Sequence[str],
                limit: int = LABEL_WORDS, overall: Counter[str] | None = None
                ) -> tuple[str, ...]:
    """The words most telling of ``group`` against ``everyone`` (frequent here, rarer
    elsewhere: a class-based TF-IDF over the comments' word sets); ``overall``, the word
    counts of ``everyone`` when the caller has them, saves counting them again per group."""
    inside = Counter(w for text in group for w in words_of(text))
    if overall is None:
        overall = Counter(w for text in everyone for w in words_of(text))
    total = max(len(everyone), 1)
    scored = sorted(inside, key=lambda w: (-(inside[w] / max(len(group), 1))
                                           * math.log(1 + total / overall[w]), w))
    return tuple(w for w in scored if inside[w] >= min(2, len(group)))[:limit]


def said(db: Session, page: BackstagePage) -> list[Said]:
    """The visitors' comments the team may act on (visible or held, not declined), each
    marked answered when the team replied to it or a decision answers it."""
    rows = list(db.scalars(select(PublicComment).where(
        PublicComment.page_id == page.id, PublicComment.status != "declined")
        .order_by(PublicComment.id)))
    replied = {r.parent_id for r in rows if r.team and r.parent_id is not None}
    answered = replied | answered_ids(db, page)
    return [Said(r.id, r.body, r.name, r.poll_id, r.status, r.id in answered, r.created_at)
            for r in rows if not r.team and r.parent_id is None]


def conversation_map(db: Session, page: BackstagePage, embed: Embed) -> ConversationMap:
    """Group the page's comments by meaning; ``embed`` turns texts into unit vectors.

    Raises:
        UsageError: the embeddings are not installed (from ``embed``).
    """
    found = said(db, page)
    polls = list(db.scalars(select(Poll).where(Poll.page_id == page.id).order_by(Poll.id)))
    tallies = {p.id: tally(db, p) for p in polls}
    questions = {p.id: p.question for p in polls}
    poll_rows = tuple((p.question, tallies[p.id].total, sum(tallies[p.id].excluded.values()))
                      for p in polls)
    verdicts = [judged for p in polls if (judged := judge_poll(
        p.question, [(o.label, n) for o, n in tallies[p.id].counts])) is not None]
    if not found:
        return _with_verdicts(ConversationMap((), 0, 0, poll_rows), verdicts)
    texts = [s.body for s in found]
    distinct = list(dict.fromkeys(texts))  # the same words cost one embedding
    where = {text: i for i, text in enumerate(distinct)}
    vectors = np.asarray(embed(distinct), dtype=np.float32)[[where[t] for t in texts]]
    languages = [language_of(t) for t in texts]
    signs = stances(texts, vectors, languages, embed)
    overall = Counter(w for text in texts for w in words_of(text))
    parts: list[list[int]] = []
    for code in sorted(set(languages)):
        rows = [i for i, c in enumerate(languages) if c == code]
        labels = grouped(vectors[rows])
        parts += [[rows[i] for i in range(len(rows)) if labels[i] == j]
                  for j in range(int(labels.max()) + 1)]
    themes = []
    for members in parts:
        if not members:
            continue
        centre = vectors[members].mean(axis=0)
        closeness = vectors[members] @ centre
        ranked = [members[i] for i in np.argsort(-closeness, kind="stable")]
        ranked.sort(key=lambda i: found[i].answered)  # stable: unanswered first
        words = label_words([texts[i] for i in members], texts, overall=overall)
        on_polls = Counter(found[i].poll_id for i in members if found[i].poll_id is not None)
        themes.append(Theme(
            " · ".join(words) or texts[ranked[0]][:60], words, len(members),
            sum(not found[i].answered for i in members),
            tuple(found[i] for i in ranked[:SAMPLES]),
            tuple((questions[p], tallies[p].total) for p, _ in on_polls.most_common()
                  if p in questions),
            tuple(found[i].comment_id for i in ranked if not found[i].answered),
            int(np.sum(signs[members] > 0)), int(np.sum(signs[members] < 0))))
    themes.sort(key=lambda t: (-t.unanswered, -t.size))
    verdicts += [judged for t in themes
                 if (judged := judge_theme(t.label, [1] * t.pro + [-1] * t.con)) is not None]
    return _with_verdicts(ConversationMap(tuple(themes), len(found),
                                          sum(not s.answered for s in found), poll_rows),
                          verdicts)


def _with_verdicts(found: ConversationMap, verdicts: list[tuple[str, Stand]]
                   ) -> ConversationMap:
    """The map with its agreements and divisions, those with the most voices first."""
    def pick(kind: str) -> tuple[Stand, ...]:
        return tuple(sorted((s for v, s in verdicts if v == kind), key=lambda s: -s.voices))

    return replace(found, agreed=pick("agree"), divided=pick("divided"))
