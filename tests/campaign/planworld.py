"""A small campaign the plan tests build for themselves (French text, accents on purpose)."""

from __future__ import annotations

from pathlib import Path

CAMPAIGN_YAML = """\
version: 1
id: atelier-ete
name: "L'Atelier d'été"
language: fr
brand: {name: Maison Coulisses, handle: "@coulisses"}
period: {start: 2026-06-01, end: 2026-06-30}
objectives:
  - id: notoriete
    goal: awareness
    summary: Faire connaître l'atelier
    kpis:
      - {id: vues, metric: views, target: 100000}
beats:
  - {id: arrivee, title: "L'arrivée"}
  - {id: final, title: Le final, after: [arrivee]}
series:
  - id: saison-1
    title: Saison 1
    platform: tiktok
    episodes_planned: 2
    max_seconds: 60
    episodes:
      - id: ep-1
        number: 1
        title: Premier jour
        beats: [arrivee]
        duration_s: 45
        shoot_day: jour-1
        people: [ana]
        deliverables:
          - {id: ep-1-tiktok, platform: tiktok, format: episode, duration_s: 45,
             publish: 2026-06-10, status: approved, caption: "Ça commence ; « enfin »"}
bts:
  - id: installation
    title: Installation du décor
    capture: "Le décor qui se monte, les câbles, les lumières"
    kind: preparation
    style: raw
    beats: [arrivee]
    shoot_day: jour-1
    people: [ana, sam]
    deliverables:
      - {id: installation-reels, platform: instagram-reels, format: reel, duration_s: 30,
         publish: 2026-06-12, publish_time: "18:30", status: in-edit}
      - {id: installation-tiktok, platform: tiktok, format: episode, duration_s: 20,
         publish: 2026-06-13}
  - id: fou-rire
    title: Fou rire de l'équipe
    capture: Les rires entre deux prises
    kind: laughter
    style: spontaneous
    beats: [final]
    shoot_day: jour-2
    people: [lou]
    music: [theme]
    deliverables:
      - {id: fou-rire-tiktok, platform: tiktok, format: episode, duration_s: 15,
         publish: 2026-06-20}
  - id: revelation
    title: La révélation
    capture: Le produit fini dévoilé
    kind: reveal
    style: polished
    beats: [final]
platforms:
  - platform: tiktok
    tone: rapide et drôle
    formats: [{id: episode, name: épisode vertical, max_seconds: 60}]
  - platform: instagram-reels
    tone: esthétique
    formats: [{id: reel, name: reel}]
locations:
  - {id: studio, name: Studio Belleville, address: "12 rue de Belleville, Paris",
     notes: Parking dans la cour}
shoot_days:
  - {id: jour-1, date: 2026-06-02, location: studio, call: "08:30", notes: Décor et épisode 1}
  - {id: jour-2, date: 2026-06-03, location: studio}
people:
  - {id: ana, name: Ana Léger, role: talent, consent: granted}
  - {id: sam, name: Sam Roux, role: crew, consent: pending}
  - {id: lou, name: Lou, role: extra, consent: granted, minor: true,
     guardian: {name: Marie, consent: pending}}
music:
  - id: theme
    title: Thème de l'été
    licences:
      - {platform: tiktok, status: licensed}
      - {platform: instagram-reels, status: pending}
"""


def write_campaign(folder: Path, text: str = CAMPAIGN_YAML) -> Path:
    """The campaign file, written into ``folder``."""
    path = folder / "atelier.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load_world(folder: Path, text: str = CAMPAIGN_YAML, lang: str = "en"):  # type: ignore[no-untyped-def]
    """(campaign file, campaign, plan) of ``text`` written into ``folder``."""
    from coulisses.campaign.load import load_campaign
    from coulisses.campaign.plan import plan_campaign
    from coulisses.platforms.registry import Registry

    path = write_campaign(folder, text)
    campaign = load_campaign(path)
    return path, campaign, plan_campaign(campaign, Registry.load(), lang)


def pdf_text(pdf) -> list[str]:  # type: ignore[no-untyped-def]
    """The text of each page of an ``fpdf.FPDF`` document, read back from its content streams
    through the font subsets fpdf2 built (glyph codes -> characters)."""
    import re

    fonts = {f"F{f.i}": {code: "".join(map(chr, glyph.unicode))
                         for glyph, code in f.subset.items()} for f in pdf.fonts.values()}
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(",
               b")": b")", b"\\": b"\\"}
    pages = []
    for number in range(1, pdf.pages_count + 1):
        stream = bytes(pdf.pages[number].contents)
        words = []
        font: dict[int, str] = {}
        string = rb"\(((?:\\.|[^\\)])*)\)"
        pattern = rb"/(F\d+) [\d.]+ Tf|" + string + rb" ?Tj|\[(.*?)\] ?TJ"
        for m in re.finditer(pattern, stream, re.S):
            if m.group(1):
                font = fonts[m.group(1).decode()]
                continue
            parts = [m.group(2)] if m.group(3) is None else [
                p.group(1) for p in re.finditer(string, m.group(3), re.S)]
            text = ""
            for part in parts:
                raw = re.sub(rb"\\(.)", lambda e: escapes.get(e.group(1), e.group(1)), part,
                             flags=re.S)
                codes = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]
                text += "".join(font.get(c, "?") for c in codes)
            words.append(text)
        pages.append(" ".join(words))
    return pages
