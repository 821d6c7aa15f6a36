"""A synthetic challenge: entries made from generated and real clips, with copies (re-encode,
crop, mirror, trims, letterbox, an exact re-upload) and off-brief entries at known places, a
consents CSV, and the ground truth beside them as JSON. Offline, quick and deterministic.

Originals facing the camera (GRID speakers, sign-language clips) carry French speech: they
answer the casting brief. Film, room and generated pictures carry English radio speech or a
tone: they are off-brief. Two entries are bad on purpose: a truncated file and a 2-second one.
Without the real-media folder, every original is generated (and off-brief).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from coulisses.media.ffmpeg import Command, Runner

WIDTH, HEIGHT, FPS, SECONDS = 480, 854, 25, 4.0
COVER = (f"scale={WIDTH}:{HEIGHT}:force_original_aspect_ratio=increase,crop={WIDTH}:{HEIGHT},"
         f"setsar=1,fps={FPS}")
TRANSFORMS = ("reencode", "crop", "mirror", "trim", "letterbox", "copy")
GENERATED = ("testsrc2=s=480x854:r=25", "mandelbrot=s=240x427:r=25",
             "cellauto=s=240x427:rule=30:r=25:seed=11",
             "cellauto=s=240x427:rule=110:r=25:seed=7", "testsrc=s=480x854:r=25",
             "gradients=s=240x427:speed=0.05:r=25")
CITIES = ("Marseille", "Lille", "Lyon", "Bruxelles", "Saint-Denis", "Toulouse")
BANDS = ("18-24", "16-17", "25-34", "18-24", "13-14", "25-34", "15", "16-17")
TERMS = ("J'accepte le traitement de mes données, la diffusion de mon image et de ma voix sur "
         "TikTok pendant douze mois, sans publicité payante.")


@dataclass(frozen=True)
class SampleEntry:
    """The ground truth of one sample file."""

    file: str
    kind: str  # original, duplicate or bad
    source: str  # the real clip or lavfi source it was made from
    on_brief: bool
    qc_expected: bool
    original: str | None = None  # for a duplicate: the file it copies
    transform: str | None = None


@dataclass(frozen=True)
class Sample:
    """Where a sample challenge was written."""

    folder: Path
    entries: tuple[SampleEntry, ...]
    consents: Path
    truth: Path


def _sources(media: Path | None) -> list[tuple[str, list[str], bool]]:
    """(label, ffmpeg input arguments of a 4 s picture, faces the camera) per original."""
    real: list[list[tuple[str, list[str], bool]]] = []
    if media is not None and media.is_dir():
        def clips(sub: str, pattern: str) -> list[Path]:
            return sorted((media / sub).glob(pattern)) if (media / sub).is_dir() else []

        real.append([(f"grid/{p.name}", ["-i", str(p)], True) for p in clips("grid", "*.mpg")])
        real.append([(f"asl/{p.name}", ["-i", str(p)], True) for p in clips("asl", "*.mkv")])
        real.append([(f"film/{p.name}@{s}", ["-ss", str(s), "-i", str(p)], False)
                     for p in clips("film", "*.mp4") for s in (0, 5)])
        real.append([(f"people/{p.name}@{s}", ["-ss", str(s), "-i", str(p)], False)
                     for p in clips("people", "*.mp4") for s in (12, 40, 75, 110)])
    generated = [(f"lavfi:{g.split('=')[0]}",
                  ["-f", "lavfi", "-i", g], False)
                 for g in GENERATED]
    real.append(generated)
    order: list[tuple[str, list[str], bool]] = []
    while any(real):
        for group in real:
            if group:
                order.append(group.pop(0))
    return order


def _audio(media: Path | None, index: int, on_brief: bool) -> tuple[list[str], str]:
    """Input arguments of the entry's sound and its label: French speech for an on-brief
    entry, English radio speech or a tone otherwise."""
    french = [media / "speech" / "french.aiff", media / "sound" / "bonjour.wav"] \
        if media is not None else []
    radio = media / "sound" / "radio_short.mp3" if media is not None else None
    if on_brief and all(p.exists() for p in french):
        chosen = french[index % 2]
        return ["-i", str(chosen)], f"speech/{chosen.name}"
    if radio is not None and radio.exists() and index % 2 == 0:
        return ["-ss", str(5 + 7 * index % 100), "-i", str(radio)], "sound/radio_short.mp3"
    freq = 220 + 40 * (index % 7)
    return ["-f", "lavfi", "-i", f"sine=f={freq}:sample_rate=48000"], f"tone {freq} Hz"


def _encode(inputs: list[str], vf: str, out: Path, *, seconds: float = SECONDS,
            crf: int = 26, af: str = "apad") -> Command:
    return Command(args=(
        "-loglevel", "error", *inputs, "-map", "0:v:0", "-map", "1:a:0", "-t", f"{seconds:g}",
        "-vf", vf, "-af", af, "-c:v", "libx264", "-preset", "ultrafast", "-crf", str(crf),
        "-threads", "1", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-ac", "1",
        "-movflags", "+faststart", str(out)), label="sample entry")


def _transform(name: str, source: Path, out: Path) -> Command | None:
    """The command that makes a copy of ``source`` by ``name`` (None: a byte copy)."""
    base = ["-i", str(source), "-i", str(source)]
    if name == "reencode":
        return _encode(base, "null", out, crf=38)
    if name == "crop":
        return _encode(base, f"crop=iw*0.88:ih*0.88,scale={WIDTH}:{HEIGHT},setsar=1", out)
    if name == "mirror":
        return _encode(base, "hflip", out)
    if name == "trim":
        return _encode(["-ss", "0.6", *base[:2], "-ss", "0.6", *base[2:]], "null", out,
                       seconds=SECONDS - 0.6)
    if name == "letterbox":
        box = f"scale={WIDTH}:{HEIGHT * 3 // 4 // 2 * 2},pad={WIDTH}:{HEIGHT}:0:(oh-ih)/2,setsar=1"
        return _encode(base, box, out)
    return None


def make_sample(out: Path, entries: int, runner: Runner, *, media: Path | None = None,
                seed: int = 15) -> Sample:
    """Write ``entries`` sample entry files into ``out`` with ``consents.csv`` and
    ``truth.json``; the same arguments make the same files.

    Raises:
        UsageError: fewer than 4 entries asked for.
        FFmpegError: ffmpeg failed.
    """
    from coulisses.errors import UsageError

    if entries < 4:
        raise UsageError(f"--entries {entries}: a sample needs at least 4 entries")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    bad = 2 if entries >= 10 else 0
    copies = round(entries * 0.3)
    originals = entries - copies - bad
    names = [f"entry-{i:03d}.mp4" for i in range(1, entries + 1)]
    rng.shuffle(names)
    sources = _sources(media)
    truth: list[SampleEntry] = []
    for index in range(originals):
        label, picture, facing = sources[index % len(sources)]
        sound, sound_label = _audio(media, index, facing)
        on_brief = facing and sound_label.startswith("speech/")
        vf = COVER + (f",tpad=stop_mode=clone:stop_duration={SECONDS:g}" if facing else "")
        if label.startswith("lavfi:") and index >= len(sources):
            vf += f",hue=h={37 * index % 360}"  # a second pass over a source: another picture
        name = names[index]
        runner.run(_encode([*picture, *sound], vf, out / name))
        truth.append(SampleEntry(name, "original", f"{label} + {sound_label}", on_brief, True))
    for index in range(copies):
        first = truth[index % originals]
        transform = TRANSFORMS[index % len(TRANSFORMS)]
        name = names[originals + index]
        command = _transform(transform, out / first.file, out / name)
        if command is None:
            shutil.copyfile(out / first.file, out / name)
        else:
            runner.run(command)
        truth.append(SampleEntry(name, "duplicate", first.source, first.on_brief, True,
                                 original=first.file, transform=transform))
    if bad:
        truncated, short = names[originals + copies], names[originals + copies + 1]
        whole = (out / truth[0].file).read_bytes()
        (out / truncated).write_bytes(whole[:len(whole) // 3])
        truth.append(SampleEntry(truncated, "bad", "truncated copy of " + truth[0].file,
                                 False, False, transform="truncated"))
        label, picture, _ = sources[-1]
        sound, _ = _audio(None, 1, False)
        runner.run(_encode([*picture, *sound], COVER, out / short, seconds=2.0))
        truth.append(SampleEntry(short, "bad", f"{label} (2 s)", False, False,
                                 transform="too short"))
    truth.sort(key=lambda e: e.file)
    consents = out / "consents.csv"
    _write_atomic(consents, consents_csv(truth))
    path = out / "truth.json"
    _write_atomic(path, json.dumps({"seed": seed, "entries": [asdict(e) for e in truth]},
                                   ensure_ascii=False, indent=2) + "\n")
    return Sample(out, tuple(truth), consents, path)


def consents_csv(truth: list[SampleEntry]) -> str:
    """The consents CSV of a sample: the last entry has no row (its consent is missing); an
    entrant of 13-14 has a parent's consent, but for one entry that still waits for it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "entrant", "contact", "age_band", "country", "city", "data",
                     "release", "scope", "parent", "terms"])
    young = 0
    for i, entry in enumerate(truth[:-1]):
        band = BANDS[i % len(BANDS)]
        parent = ""
        if band == "13-14":
            young += 1
            parent = "oui" if young % 2 else ""
        writer.writerow([entry.file, f"Candidat·e {i + 1:02d}", f"entrant{i + 1:02d}@example.org",
                         band, "BE" if i % 5 == 3 else "FR", CITIES[i % len(CITIES)], "oui",
                         "oui", "oui", parent, TERMS])
    return buffer.getvalue()


def _write_atomic(path: Path, text: str) -> None:
    part = path.with_name(f".{path.name}.part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)
