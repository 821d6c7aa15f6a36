"""``--extend`` on real short sources: the output reaches the platform's minimum as the container
reports it, whatever the source's own frame timing or its audio and video lengths."""

from __future__ import annotations

import math
from pathlib import Path

import av

import media
from coulisses.media.probe import probe
from coulisses.render.cut import cut
from coulisses.render.plan import CutOptions

EXTEND = CutOptions(preset="draft", extend=True)


def test_a_short_real_rush_held_to_the_minimum_passes_qc(shared_media: Path,
                                                          tmp_path: Path) -> None:
    # 1.2 s of French speech (16 kHz WAV) over a 24 fps film: the picture (28 frames, 1.167 s)
    # ends before the sound, and the sound decodes shorter than the container says
    rush = media.make_rush(tmp_path / "bonjour.mp4", shared_media / "sound" / "bonjour.wav",
                           video=shared_media / "film" / "clip_02_caminandes.mp4", duration=25)
    source = probe(rush)
    assert source.video is not None and source.duration < 3
    result = cut(rush, "tiktok,instagram-feed,x", tmp_path / "out", options=EXTEND)
    failures = {v.platform: v.qc.reasons for v in result.variants if not v.qc.passed}
    assert not failures, failures
    for v in result.variants:
        out = probe(v.video)
        assert out.video is not None
        minimum = 3.0 if v.platform != "x" else 0.5
        assert float(out.duration) >= minimum
        with av.open(str(v.video)) as c:
            stream = c.streams.video[0]
            frames = sum(1 for _ in c.demux(stream) if _.size)
            audio = c.streams.audio[0]
            audio_s = float(audio.duration * audio.time_base)
        wanted = max(minimum, float(source.duration))
        # whole output frames: the picture lasts at least as long as the planned cut
        assert frames >= math.ceil(wanted * float(out.video.frame_rate) - 1e-6)
        assert audio_s >= wanted - 1e-3
