"""The conversation map on many comments: wall time of ``conversation_map`` (reading the
comments, MiniLM embeddings, grouping, labels) and of its parts, and how pure the groups are.

Comments are made from templates on six subjects in English and French (a subject's
sentences share no template words with another's), with fillers, openings, closings, emoji,
typos and second sentences so that nearly all are distinct (the table gives the count), stored
as a page's comments in a fresh SQLite studio database. The same run embeds a sample with
sentence-transformers and with the ONNX path, for their ratio. Purity: the share of comments
whose group's most common subject is their own. The run with 10,000 comments rewrites
``## Conversation map`` in docs/benchmarks.md; other sizes write bench/.work/benchmarks-quick.md.

    .venv/bin/python bench/bench_conversation_map.py            # 10,000 comments
    .venv/bin/python bench/bench_conversation_map.py --n 500    # smoke run
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from docsection import write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Conversation map"
SAMPLE = 300  # texts embedded both ways for the speed ratio
SUBJECTS = {
    "music": (["The {a} music in the trailer is {b}", "Which song is playing, the {a} one?",
               "Keep this {a} soundtrack, it is {b}", "the beat at the start is {b}",
               "Who made the music? It sounds {b}", "Can we get the {a} track on Spotify"],
              ["La musique {a} de la bande-annonce est {b}", "Quelle est cette chanson {a} ?",
               "Le son du début est {b}", "Qui a composé la musique ? elle est {b}",
               "Mettez la chanson {a} sur Spotify"]),
    "ending": (["The ending should be {a}, the hero must win", "I want a {a} ending please",
                "Make the final scene {b}", "that last shot of the ending is {b}",
                "Don't kill the hero at the end!", "An ending that is {a} would be {b}"],
               ["La fin doit être {a} pour le héros", "Une fin {a} serait {b}",
                "Ne tuez pas le héros à la fin", "La dernière scène est {b}",
                "Je veux une fin {a}"]),
    "casting": (["The actress in the casting is {b}", "Show us more of the {a} casting day",
                 "Who chose the actors? The casting is {b}", "the lead actor is {b}",
                 "How do I apply for the next casting call?", "More of the {a} actress pls"],
                ["Le casting est {b}", "Montrez-nous la journée de casting {a}",
                 "L'actrice principale est {b}", "Comment postuler au prochain casting ?",
                 "Les acteurs sont {b}"]),
    "place": (["Where did you shoot this {a} street scene?", "The location by the sea is {b}",
               "Shoot the next scene in a {a} city", "that beach location is {b}",
               "Which town is this? The streets look {b}", "Come film in my {a} village"],
              ["Où avez-vous tourné cette rue {a} ?", "Le lieu au bord de la mer est {b}",
               "Venez tourner dans mon village {a}", "Cette plage est {b}",
               "C'est quelle ville ? les rues sont {b}"]),
    "cover": (["The red cover is {b}", "Pick the {a} cover for the video",
               "That thumbnail is {b}", "the blue cover looks {b}",
               "Which cover won the poll?", "Use the {a} thumbnail, the other is {b}"],
              ["La couverture rouge est {b}", "Choisissez la miniature {a}",
               "La miniature bleue est {b}", "Quelle couverture a gagné le sondage ?",
               "Prenez la couverture {a}"]),
    "release": (["When is the video coming out?", "Release it on a {a} Friday please",
                 "I can't wait for the {a} premiere", "is the release date {b}?",
                 "Will it be on YouTube or only TikTok?", "Drop it this {a} weekend"],
                ["Quand sort la vidéo ?", "Sortez-la un vendredi {a} svp",
                 "J'ai hâte de la première {a}", "Elle sort sur YouTube ou seulement TikTok ?",
                 "Publiez-la ce week-end {a}"]),
}
FILL_A = ["new", "old", "happy", "sad", "bright", "dark", "quiet", "big", "weird", "short",
          "long", "slow", "crazy", "sunny", "cold", "final"]
FILL_B = ["amazing", "perfect", "too long", "great", "a bit much", "beautiful", "strange",
          "awful", "so good", "boring", "fire", "meh", "incredible", "not great", "cheap",
          "stunning"]
FILL_A_FR = ["nouvelle", "ancienne", "joyeuse", "triste", "sombre", "calme", "grande",
             "bizarre", "courte", "longue", "lente", "folle", "ensoleillée", "froide", "finale"]
FILL_B_FR = ["incroyable", "parfaite", "trop longue", "géniale", "un peu trop", "magnifique",
             "étrange", "nulle", "trop bien", "ennuyeuse", "de ouf", "bof", "sublime",
             "pas terrible", "moche", "superbe"]
OPEN = ["", "", "", "omg ", "honestly ", "ok so ", "Wow, ", "lol ", "Hi team! ", "hmm ",
        "@coulisses ", "Franchement ", "Perso ", "Bonjour ! ", "Salut, ", "ptdr "]
CLOSE = ["", "", "", "!", "!!", " 😍", " 🔥🔥", " lol", " tbh", " merci !", " 👏", "...",
         " haha", " please", " svp", " ❤️", " 😂😂", " ?!", " 10/10", " (from Lyon)"]


def _typo(text: str, rng: random.Random) -> str:
    """One slip of the thumb: two letters swapped or one dropped."""
    i = rng.randrange(1, max(2, len(text) - 1))
    if rng.random() < 0.5:
        return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]
    return text[:i] + text[i + 1:]


def comments(n: int, seed: int = 5) -> list[tuple[str, str]]:
    """``n`` (subject, text) pairs, about one in three in French, nearly all distinct: each
    from a template with fillers, an opening and a closing, sometimes a second sentence on
    the same subject, a typo, lower case."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        subject = rng.choice(sorted(SUBJECTS))
        english, french = SUBJECTS[subject]
        fr = rng.random() < 0.33
        pool, fill_a, fill_b = (french, FILL_A_FR, FILL_B_FR) if fr else (english, FILL_A, FILL_B)
        parts = [rng.choice(pool) for _ in range(2 if rng.random() < 0.2 else 1)]
        text = ". ".join(p.format(a=rng.choice(fill_a), b=rng.choice(fill_b)) for p in parts)
        text = rng.choice(OPEN) + text + rng.choice(CLOSE)
        if rng.random() < 0.15:
            text = _typo(text, rng)
        if rng.random() < 0.2:
            text = text.lower()
        out.append((subject, text))
    return out


def run(n: int) -> dict[str, Any]:
    from sqlalchemy import insert

    from coulisses.analysis.embeddings import Embedder
    from coulisses.backstage import conversation, page
    from coulisses.backstage.tables import PublicComment
    from coulisses.campaign.template import example_text
    from coulisses.settings import load_settings
    from coulisses.studio.db import open_database
    from coulisses.studio.tables import Campaign, Workspace, utcnow

    made = comments(n)
    with tempfile.TemporaryDirectory() as tmp:
        engine, sessions = open_database(f"sqlite:///{Path(tmp) / 'studio.sqlite3'}")
        with sessions() as db:
            space = Workspace(name="Bench")
            db.add(space)
            db.flush()
            campaign = Campaign(workspace_id=space.id, name="Bench", filename="b.yaml",
                                source=example_text("casting-series-fr"), version_id=1)
            db.add(campaign)
            db.flush()
            the_page = page.page_for(db, campaign)
            now = utcnow()
            db.execute(insert(PublicComment), [
                {"page_id": the_page.id, "body": text, "name": "", "lang": "",
                 "commenter": f"c{i % 3000}", "address": "", "team": False,
                 "status": "visible", "hold": "", "reports": 0, "created_at": now}
                for i, (_, text) in enumerate(made)])
            db.commit()
            embedder = Embedder(load_settings(env={}))
            embedder.encode(["warm up"])  # the model's loading (or export) is not the map's
            sample = list(dict.fromkeys(text for _, text in made))[:SAMPLE]
            started = time.perf_counter()
            embedder.encode(sample)
            fast_rate = len(sample) / (time.perf_counter() - started)
            from sentence_transformers import SentenceTransformer

            baseline = SentenceTransformer(embedder.location, device="cpu")
            baseline.encode(["warm up"])
            started = time.perf_counter()
            reference = baseline.encode(sample, normalize_embeddings=True, batch_size=32,
                                        show_progress_bar=False)
            slow_rate = len(sample) / (time.perf_counter() - started)
            cosine = float((embedder.encode(sample) * reference).sum(axis=1).min())
            spent = {"embed": 0.0}

            def embed(texts: list[str]) -> object:
                started = time.perf_counter()
                vectors = embedder.encode(texts)
                spent["embed"] += time.perf_counter() - started
                return vectors

            started = time.perf_counter()
            found = conversation.conversation_map(db, the_page, embed)  # type: ignore[arg-type]
            total = time.perf_counter() - started
        engine.dispose()
    subject_of = {text: subject for subject, text in made}
    pure = 0
    for theme in found.themes:
        # the samples name the group's subject; every member is counted through the ids
        # of its unanswered comments (here all of them)
        bodies = [made[i - 1][1] for i in theme.ids]
        top = Counter(subject_of[b] for b in bodies).most_common(1)[0][1] if bodies else 0
        pure += top
    return {"n": n, "distinct": len({text for _, text in made}), "total_s": total,
            "engine": embedder.engine, "fast_rate": fast_rate, "slow_rate": slow_rate,
            "cosine": cosine, "agreed": len(found.agreed), "divided": len(found.divided),
            "embed_s": spent["embed"],
            "rest_s": total - spent["embed"], "groups": len(found.themes),
            "purity": pure / n}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    load_start = os.getloadavg()[0]
    result = run(args.n)
    cpus = os.cpu_count()
    load = os.getloadavg()[0]
    r = result
    section = (f"{SECTION}\n\n"
               f"`bench/bench_conversation_map.py`: the studio's conversation map over "
               f"{args.n:,} generated comments (six subjects, about a third in French, with "
               f"fillers, openings, closings, emoji, typos and second sentences) on one page, "
               f"SQLite; the model loaded (and exported to ONNX, once) beforehand.\n\n"
               f"| comments | distinct texts | total | embeddings ({r['engine']}) | reading, "
               f"grouping, stances, labels | groups | agreed / divided | purity |\n"
               f"|---|---|---|---|---|---|---|---|\n"
               f"| {args.n:,} | {r['distinct']:,} | {r['total_s']:.1f} s | "
               f"{r['embed_s']:.1f} s | {r['rest_s']:.1f} s | {r['groups']} | "
               f"{r['agreed']} / {r['divided']} | {100 * r['purity']:.1f} % |\n\n"
               f"Same run, same {SAMPLE} distinct texts: the ONNX path embedded "
               f"{r['fast_rate']:.0f} texts a second, sentence-transformers (torch) "
               f"{r['slow_rate']:.0f}, a ratio of {r['fast_rate'] / r['slow_rate']:.1f}; the "
               f"lowest cosine between their vectors was {r['cosine']:.5f}. "
               f"Target: 10,000 comments in under a minute: "
               f"{'met' if r['total_s'] < 60 else 'not met'} in this run "
               f"({r['total_s']:.0f} s). Identical texts are embedded once. Purity is the "
               f"share of comments in a group whose most common subject is their own. "
               f"Machine: {platform.machine()}, {cpus} CPUs as the OS reports them, shared "
               f"with other engineers' work (load average {load_start:.1f} at the start, "
               f"{load:.1f} at the end), Python {platform.python_version()}.\n")
    doc = ROOT / "docs" / "benchmarks.md" if args.n == 10_000 else \
        ROOT / "bench" / ".work" / "benchmarks-quick.md"
    write_section(doc, SECTION, section, header="# Benchmarks\n")
    print(section)


if __name__ == "__main__":
    main()
