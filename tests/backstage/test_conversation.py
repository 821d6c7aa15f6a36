"""The conversation map: comments grouped by meaning with the packaged MiniLM model, in
English and French; labels from the group's telling words; unanswered groups first."""

from __future__ import annotations

import numpy as np
import pytest
from backstageworld import World

from coulisses.backstage import challenge, comments, conversation, decisions

MUSIC = ["The music in the trailer is amazing", "Love the soundtrack, which song is it?",
         "La musique de la bande-annonce est géniale", "Quelle est cette chanson ? La musique",
         "Please keep this music for the final video", "The song gives me chills, great music"]
ENDING = ["The ending should be happy, the hero must win", "I want a sad ending please",
          "La fin doit être heureuse pour le héros", "Une fin ouverte serait mieux",
          "Which ending will you choose, happy or sad?", "Make the final scene ending a surprise"]


def test_clusters_follow_the_vectors_and_are_numbered_by_size() -> None:
    rng = np.random.default_rng(7)
    a = rng.normal([5, 0, 0], 0.3, size=(9, 3))
    b = rng.normal([0, 5, 0], 0.3, size=(4, 3))
    vectors = np.vstack([b, a])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = conversation.cluster(vectors.astype(np.float32), 2)
    assert list(labels) == [1] * 4 + [0] * 9
    assert list(conversation.grouped(vectors.astype(np.float32))) == list(labels)
    one = rng.normal([5, 5, 5], 0.05, size=(10, 3))
    one /= np.linalg.norm(one, axis=1, keepdims=True)
    assert set(conversation.grouped(one.astype(np.float32))) == {0}  # nothing to split


def test_each_language_is_told_apart_by_its_function_words() -> None:
    assert [conversation.language_of(t) for t in MUSIC[:4]] == ["en", "en", "fr", "fr"]


def test_labels_are_the_groups_telling_words_without_stop_words() -> None:
    group = MUSIC
    words = conversation.label_words(group, MUSIC + ENDING)
    assert words[0] == "music" and not set(words) & conversation.STOPWORDS


def test_the_map_groups_english_and_french_comments_by_meaning(world: World) -> None:
    pytest.importorskip("sentence_transformers", reason="needs coulisses[embeddings]")
    from coulisses.analysis.embeddings import Embedder
    from coulisses.settings import load_settings

    made = []
    for i, body in enumerate(MUSIC + ENDING):
        who = challenge.visitor(world.page.secret, None)
        made.append(comments.post(world.db, page=world.page, visitor=who,
                                  address=f"10.0.{i}.1", body=body, now=world.now,
                                  poll_id=world.poll.id if body in ENDING else None))
    for said in made[:len(MUSIC)]:  # the team answered every music comment
        comments.reply(world.db, page=world.page, parent_id=said.id, body="Thanks!",
                       user_id=None, name="Team", now=world.now)
    decisions.record(world.db, world.page, decision="Happy ending", comment_ids=[made[-1].id],
                     now=world.now)
    world.db.commit()
    found = conversation.conversation_map(world.db, world.page,
                                          Embedder(load_settings(env={})).encode)
    assert found.comments == 12 and found.unanswered == len(ENDING) - 1
    topics = [set(MUSIC) if {s.body for s in t.samples} <= set(MUSIC) else
              set(ENDING) if {s.body for s in t.samples} <= set(ENDING) else set()
              for t in found.themes]
    assert topics == [set(ENDING), set(ENDING), set(MUSIC), set(MUSIC)]  # each group one topic
    assert [t.unanswered for t in found.themes] == [3, 2, 0, 0]  # unanswered first
    assert [t.size for t in found.themes] == [4, 2, 4, 2]
    first = found.themes[0]
    assert "ending" in first.words and not first.samples[0].answered
    assert first.polls == (("Which cover?", 0),)
    assert made[-1].id not in first.ids and len(first.ids) == 3
    assert "fin" in found.themes[1].words
