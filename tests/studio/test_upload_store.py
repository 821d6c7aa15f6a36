"""The resumable upload core, without HTTP: limits, type checks by content, resume after a
drop, name cleaning, and the atomic move into the workspace's media folder."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import media
from coulisses.errors import ConflictError, NotFoundError, UploadError
from coulisses.studio.files import make_thumbnail, resolve
from coulisses.studio.uploads import MB, UploadStore, clean_name, disk_name, looks_like_video


def _chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def test_whole_upload_is_checked_and_moved_into_the_media_folder(
        tmp_path: Path, landscape_clip: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=10 * MB)
    data = landscape_clip.read_bytes()
    up = store.create(1, 7, "Interview café.mp4", len(data))
    assert (up.offset, up.name) == (0, "Interview café.mp4")
    up = store.append(1, up.id, 0, _chunks(data, 4096))
    assert up.complete
    done, path = store.finish(1, up.id)
    assert path.parent == store.media_dir(1)
    assert path.read_bytes() == data
    assert list(store.partial_dir(1).iterdir()) == []
    assert done.name == "Interview café.mp4"


def test_resume_after_a_dropped_connection(tmp_path: Path, landscape_clip: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=10 * MB)
    data = landscape_clip.read_bytes()
    up = store.create(1, 7, "a.mp4", len(data))

    def dropped() -> object:  # the connection dies after 5,000 bytes
        yield data[:3000]
        yield data[3000:5000]
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        store.append(1, up.id, 0, dropped())  # type: ignore[arg-type]
    assert store.get(1, up.id).offset == 5000  # what arrived is kept
    with pytest.raises(ConflictError, match="at byte 5000"):
        store.append(1, up.id, 0, [data])  # a stale offset never overwrites
    store.append(1, up.id, 5000, [data[5000:]])
    _, path = store.finish(1, up.id)
    assert path.read_bytes() == data


def test_oversized_declaration_is_refused_before_any_byte(tmp_path: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=1 * MB)
    with pytest.raises(UploadError, match="over the 1 MB limit") as info:
        store.create(1, 7, "big.mp4", 2 * MB)
    assert info.value.http_status == 413
    assert not store.partial_dir(1).exists() or not any(store.partial_dir(1).iterdir())


def test_more_bytes_than_declared_is_refused(tmp_path: Path, landscape_clip: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=10 * MB)
    data = landscape_clip.read_bytes()
    up = store.create(1, 7, "a.mp4", 100)
    with pytest.raises(UploadError, match="more bytes") as info:
        store.append(1, up.id, 0, [data[:100], data[100:200]])
    assert info.value.http_status == 413
    assert store.get(1, up.id).offset == 100


def test_text_renamed_mp4_is_refused_at_the_first_chunk(tmp_path: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=10 * MB)
    text = ("just some notes, not a video\n" * 100).encode()
    up = store.create(1, 7, "notes.mp4", len(text))
    with pytest.raises(UploadError, match="not a video") as info:
        store.append(1, up.id, 0, [text])
    assert info.value.http_status == 415
    with pytest.raises(NotFoundError):  # nothing kept
        store.get(1, up.id)
    assert not any(store.partial_dir(1).iterdir())


def test_container_header_with_garbage_is_refused_by_the_probe(
        tmp_path: Path, corrupt_file: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=10 * MB)
    fake = b"\x00\x00\x00\x18ftypisom" + corrupt_file.read_bytes()[:4000]
    up = store.create(1, 7, "fake.mp4", len(fake))
    store.append(1, up.id, 0, [fake])
    with pytest.raises(UploadError, match="not a video file") as info:
        store.finish(1, up.id)
    assert info.value.http_status == 415
    assert not store.media_dir(1).exists() or not any(store.media_dir(1).iterdir())
    assert not any(store.partial_dir(1).iterdir())


def test_audio_only_is_refused(tmp_path: Path, audio_only: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=10 * MB)
    data = audio_only.read_bytes()
    up = store.create(1, 7, "song.mp4", len(data))
    store.append(1, up.id, 0, [data])
    with pytest.raises(UploadError, match="audio-only"):
        store.finish(1, up.id)


def test_finishing_early_is_a_conflict(tmp_path: Path, landscape_clip: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=10 * MB)
    data = landscape_clip.read_bytes()
    up = store.create(1, 7, "a.mp4", len(data))
    store.append(1, up.id, 0, [data[:1000]])
    with pytest.raises(ConflictError, match="still missing"):
        store.finish(1, up.id)


def test_uploads_are_scoped_to_their_workspace(tmp_path: Path, landscape_clip: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=10 * MB)
    up = store.create(1, 7, "a.mp4", 10)
    with pytest.raises(NotFoundError):
        store.get(2, up.id)
    with pytest.raises(NotFoundError):
        store.append(1, "../../etc/passwd", 0, [b"x"])


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\me\\clip.mp4", "clip.mp4"),
    (".hidden.mp4", "hidden.mp4"),
    ("cafe\u0301.mp4", "café.mp4"),  # NFD in, NFC out
    ("evil\u202egnp.mp4", "evilgnp.mp4"),  # right-to-left override removed
    ("日本語の動画.mp4", "日本語の動画.mp4"),
    ("party 🎬🎉 clip.mp4", "party 🎬🎉 clip.mp4"),
])
def test_names_lose_path_tricks_and_keep_unicode(raw: str, expected: str) -> None:
    assert clean_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "..", "/", "...", "\x00"])
def test_unusable_names_are_refused(raw: str) -> None:
    with pytest.raises(UploadError) as info:
        clean_name(raw)
    assert info.value.http_status == 400


@pytest.mark.parametrize("name", media.HOSTILE_NAMES)
def test_disk_names_are_safe(name: str) -> None:
    on_disk = disk_name(clean_name(name), "abcdefghijklmnopqrstuvwx")
    assert "/" not in on_disk and not on_disk.startswith(("-", "."))
    assert all(c.isalnum() or c in "._-" for c in on_disk)


def test_signatures(landscape_clip: Path, image_file: Path) -> None:
    assert looks_like_video(landscape_clip.read_bytes()[:64])
    assert not looks_like_video(image_file.read_bytes()[:64])
    assert not looks_like_video(b"hello world, this is text")


def test_concurrent_appends_never_interleave(tmp_path: Path, landscape_clip: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=10 * MB)
    data = landscape_clip.read_bytes()
    up = store.create(1, 7, "a.mp4", len(data))
    outcomes: list[str] = []

    def send() -> None:
        try:
            store.append(1, up.id, 0, [data])
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["ok"]
    assert store.get(1, up.id).offset == len(data)


def test_stale_uploads_are_swept(tmp_path: Path) -> None:
    store = UploadStore(tmp_path, max_bytes=10 * MB)
    up = store.create(1, 7, "a.mp4", 10)
    assert store.sweep(now=time.time()) == 0
    assert store.sweep(now=time.time() + 8 * 24 * 3600) == 1
    with pytest.raises(NotFoundError):
        store.get(1, up.id)


def test_thumbnail_is_a_jpeg_inside_the_workspace(tmp_path: Path, landscape_clip: Path) -> None:
    target = tmp_path / "media" / "ws-3" / "thumbs" / "1.jpg"
    make_thumbnail(landscape_clip, target, 3.0)
    assert target.read_bytes()[:2] == b"\xff\xd8"
    assert resolve(tmp_path, "media/ws-3/thumbs/1.jpg", 3) == target.resolve()
    with pytest.raises(NotFoundError):
        resolve(tmp_path, "media/ws-3/thumbs/1.jpg", 4)
    with pytest.raises(NotFoundError):
        resolve(tmp_path, "media/ws-3/../ws-4/x.jpg", 3)
