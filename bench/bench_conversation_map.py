"""The conversation map on many comments: wall time of ``conversation_map`` (reading the
comments, MiniLM embeddings, grouping, labels) and of its parts, and how pure the groups are.

Comments are made from templates on six subjects in English and French (a subject's
sentences share no template words with another's), stored as a page's comments in a fresh
SQLite studio database. Purity: the share of comments whose group's most common subject is
their own. The run with 10,000 comments rewrites ``## Conversation map`` in
docs/benchmarks.md; other sizes write bench/.work/benchmarks-quick.md.

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

from docsection import write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Conversation map"
SUBJECTS = {
    "music": (["The {a} music in the trailer is {b}", "Which song is playing, the {a} one?",
               "Keep this {a} soundtrack, it is {b}"],
              ["La musique {a} de la bande-annonce est {b}", "Quelle est cette chanson {a} ?"]),
    "ending": (["The ending should be {a}, the hero must win", "I want a {a} ending please",
                "Make the final scene {b}"],
               ["La fin doit être {a} pour le héros", "Une fin {a} serait {b}"]),
    "casting": (["The actress in the casting is {b}", "Show us more of the {a} casting day",
                 "Who chose the actors? The casting is {b}"],
                ["Le casting est {b}", "Montrez-nous la journée de casting {a}"]),
    "place": (["Where did you shoot this {a} street scene?", "The location by the sea is {b}",
               "Shoot the next scene in a {a} city"],
              ["Où avez-vous tourné cette rue {a} ?", "Le lieu au bord de la mer est {b}"]),
    "cover": (["The red cover is {b}", "Pick the {a} cover for the video",
               "That thumbnail is {b}"],
              ["La couverture rouge est {b}", "Choisissez la miniature {a}"]),
    "release": (["When is the video coming out?", "Release it on a {a} Friday please",
                 "I can't wait for the {a} premiere"],
                ["Quand sort la vidéo ?", "Sortez-la un vendredi {a} svp"]),
}
FILL_A = ["new", "old", "happy", "sad", "bright", "dark", "quiet", "big"]
FILL_B = ["amazing", "perfect", "too long", "great", "a bit much", "beautiful", "strange"]


def comments(n: int, seed: int = 5) -> list[tuple[str, str]]:
    """``n`` (subject, text) pairs, about one in three in French."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        subject = rng.choice(sorted(SUBJECTS))
        english, french = SUBJECTS[subject]
        template = rng.choice(french if rng.random() < 0.33 else english)
        out.append((subject, template.format(a=rng.choice(FILL_A), b=rng.choice(FILL_B))))
    return out


def run(n: int) -> dict[str, float]:
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
            embedder.encode(["warm up"])  # the model's loading is not the map's work
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
            "embed_s": spent["embed"],
            "rest_s": total - spent["embed"], "groups": len(found.themes),
            "purity": pure / n}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    result = run(args.n)
    cpus = os.cpu_count()
    load = os.getloadavg()[0]
    section = (f"{SECTION}\n\n"
               f"`bench/bench_conversation_map.py`: the studio's conversation map over "
               f"{args.n:,} generated comments (six subjects, about a third in French) on one "
               f"page, SQLite; the model loaded beforehand.\n\n"
               f"| comments | distinct texts | total | MiniLM embeddings | reading, grouping, "
               f"labels | groups | purity |\n|---|---|---|---|---|---|---|\n"
               f"| {args.n:,} | {result['distinct']:,} | {result['total_s']:.1f} s | "
               f"{result['embed_s']:.1f} s | "
               f"{result['rest_s']:.1f} s | {result['groups']} | "
               f"{100 * result['purity']:.1f} % |\n\n"
               f"Identical texts are embedded once, so the embedding time follows the distinct "
               f"texts, not the comments: real comments repeat less than these templates. "
               f"Here MiniLM embedded {result['distinct'] / result['embed_s']:.0f} distinct "
               f"texts a second, so 10,000 distinct comments would take about "
               f"{10_000 * result['embed_s'] / result['distinct'] / 60:.0f} minutes on this "
               f"machine under this load: the target is met only for repetitive "
               f"conversations. "
               f"Target: 10,000 comments in under a minute. Purity is the share of comments in "
               f"a group whose most common subject is their own. Machine: {platform.machine()}, "
               f"{cpus} CPUs as the OS reports them, shared (load average {load:.1f} at the "
               f"end), Python {platform.python_version()}.\n")
    doc = ROOT / "docs" / "benchmarks.md" if args.n == 10_000 else \
        ROOT / "bench" / ".work" / "benchmarks-quick.md"
    write_section(doc, SECTION, section, header="# Benchmarks\n")
    print(section)


if __name__ == "__main__":
    main()
