from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from desktop_app.capture.blob_store import BlobStore


def test_put_bytes_stores_under_the_hash_in_two_levels(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    sha = store.put_bytes(b"hello")
    assert sha == hashlib.sha256(b"hello").hexdigest()
    assert store.path_for(sha) == tmp_path / "blobs" / sha[:2] / sha[2:4] / sha
    assert store.path_for(sha).read_bytes() == b"hello"


def test_the_same_content_twice_is_one_file_and_no_temp_files_remain(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    source = tmp_path / "a.bin"
    source.write_bytes(b"same bytes")
    assert store.put_bytes(b"same bytes") == store.put_file(source)
    assert [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [
        hashlib.sha256(b"same bytes").hexdigest()
    ]


def test_open_size_and_has(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    sha = store.put_bytes(b"12345")
    assert store.has(sha)
    assert store.size(sha) == 5
    with store.open(sha) as handle:
        assert handle.read() == b"12345"
    assert not store.has("0" * 64)


def test_a_stream_that_does_not_match_its_hash_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    wrong = hashlib.sha256(b"expected").hexdigest()
    with pytest.raises(ValueError, match="do not hash"):
        store.put_stream_verified(wrong, io.BytesIO(b"something else"))
    assert not store.has(wrong)
    assert not [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]


def test_a_path_that_is_not_a_hash_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a sha256"):
        BlobStore(tmp_path).path_for("../../etc/passwd")
