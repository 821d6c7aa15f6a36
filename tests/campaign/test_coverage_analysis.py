"""Coverage from a real analysis: a generated rush with laughter in it, analysed by the cheap
analysers (shots and audio, no speech model), covers the laughter planned on its shoot day."""

from __future__ import annotations

from pathlib import Path

import pytest
from planworld import load_world

import media
from coulisses.analysis.audio import AudioAnalyzer
from coulisses.analysis.moments import find_moments
from coulisses.analysis.run import analyze
from coulisses.analysis.shots import ShotAnalyzer
from coulisses.campaign import coverage as cov
from coulisses.settings import Settings

# "ha" bursts: a 220 Hz voice with breath noise, 5 a second, from 1 to 3 s (a laughter
# candidate by construction, as in tests/analysis/test_audio_picture.py)
LAUGH = ("(0.5*sin(2*PI*220*t)+0.3*sin(2*PI*440*t)+0.2*sin(2*PI*660*t)"
         "+0.05*(random(0)*2-1))*pow(max(0,sin(2*PI*5*t)),3)*between(t,1,3)*0.5")


@pytest.fixture(scope="module")
def laughing_rush(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rushes") / "fou-rire.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=160x90:r=10:d=4",
                 "-f", "lavfi", "-i", f"aevalsrc=exprs='{LAUGH}':sample_rate=48000:duration=4",
                 "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast",
                 "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-shortest", path)
    return path


def test_a_laughing_rush_covers_the_planned_laughter(tmp_path: Path,
                                                     laughing_rush: Path) -> None:
    _, _, plan = load_world(tmp_path)
    settings = Settings(cache_dir=tmp_path / "cache")
    analysers = [ShotAnalyzer(settings), AudioAnalyzer(settings)]
    analysis = analyze(laughing_rush, settings, analysers)
    assert analysis.audio is not None and analysis.audio.laughter
    # the second run comes from the cache, keyed by the rush's content
    assert analyze(laughing_rush, settings, analysers) == analysis
    moments = find_moments(analysis, "bts", limit=20)
    assert any(m.scores.get("laughter", 0) >= cov.MATCH for m in moments)

    folder = tmp_path / "plan"
    cov.add_tags(folder, plan, [laughing_rush], "jour-2", "final")
    tags = cov.load_tags(folder)
    report = cov.coverage(plan, cov.rush_moments({str(laughing_rush.resolve()): moments}, tags))
    day1, day2 = report.days
    [match] = day2.captured
    assert match.item == "fou-rire" and match.why == "laughter cues"
    assert match.path == str(laughing_rush.resolve())
    laughing = analysis.audio.laughter[0]
    assert match.start <= laughing.start and laughing.end <= match.end  # the span that laughs
    assert laughing.start >= 0.9 and laughing.end <= 3.1  # where the bursts were put
    assert day2.share == 1.0 and not day2.missing
    assert [i.id for i in day1.missing] == ["installation"]  # nothing was filmed on day 1
    # the same moments tagged to the wrong day cover nothing there
    cov.add_tags(folder, plan, [laughing_rush], "jour-1")
    moved = cov.coverage(plan, cov.rush_moments({str(laughing_rush.resolve()): moments},
                                                cov.load_tags(folder)))
    assert moved.days[1].missing and not moved.days[0].captured
