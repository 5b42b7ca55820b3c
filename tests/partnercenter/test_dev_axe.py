"""dev.py's axe-core install: the pinned npm tarball, checked against its sha512 integrity, gives
var/axe-core/axe.min.js; a tampered download is refused and a good file is not downloaded again."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("portal_dev_axe", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tarball(content: bytes, name: str = "package/axe.min.js") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


SCRIPT = b"window.axe = {run: function () {}};"


def test_the_pinned_tarball_is_checked_and_axe_min_js_extracted(dev, tmp_path):
    data = tarball(SCRIPT)
    calls = []

    def fetch(url):
        calls.append(url)
        return data

    target = tmp_path / "axe-core" / "axe.min.js"
    pins = {"integrity": integrity(data), "sha256": hashlib.sha256(SCRIPT).hexdigest()}
    assert dev.ensure_axe(target, url="https://registry.example/axe.tgz", fetch=fetch, **pins) == target
    assert target.read_bytes() == SCRIPT
    assert calls == ["https://registry.example/axe.tgz"]
    # Present with the pinned hash: nothing is downloaded again.
    assert dev.ensure_axe(target, fetch=fetch, **pins) == target
    assert len(calls) == 1


def test_a_download_that_does_not_match_the_integrity_pin_is_refused(dev, tmp_path):
    target = tmp_path / "axe.min.js"
    good, bad = tarball(SCRIPT), tarball(b"alert('tampered')")
    pins = {"integrity": integrity(good), "sha256": hashlib.sha256(SCRIPT).hexdigest()}
    assert dev.ensure_axe(target, fetch=lambda url: bad, **pins) is None
    assert not target.exists()


def test_a_stale_file_is_replaced_and_a_failed_download_is_reported(dev, tmp_path):
    target = tmp_path / "axe.min.js"
    target.write_bytes(b"old version")
    data = tarball(SCRIPT)
    pins = {"integrity": integrity(data), "sha256": hashlib.sha256(SCRIPT).hexdigest()}
    assert dev.ensure_axe(target, fetch=lambda url: data, **pins) == target
    assert target.read_bytes() == SCRIPT

    def offline(url):
        raise OSError("network is unreachable")

    target.unlink()
    assert dev.ensure_axe(target, fetch=offline, **pins) is None


def test_the_pins_name_a_real_npm_release(dev):
    assert dev.AXE_URL == f"https://registry.npmjs.org/axe-core/-/axe-core-{dev.AXE_VERSION}.tgz"
    assert dev.AXE_INTEGRITY.startswith("sha512-") and len(base64.b64decode(dev.AXE_INTEGRITY[7:])) == 64
    assert len(dev.AXE_SHA256) == 64
    assert "ensure_axe()" in (ROOT / "dev.py").read_text().split("def cmd_test", 1)[1]
