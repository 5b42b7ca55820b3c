"""Content-Security-Policy: every portal response carries the strict policy, and no template needs an
inline script, style or event handler (the browser tests fail on any violation too)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [
    p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts and "var" not in p.parts
]
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)


def test_templates_have_no_inline_script_style_or_handler():
    assert TEMPLATES
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}" for p in TEMPLATES for m in INLINE.finditer(p.read_text())
    ]
    assert offenders == []


@pytest.mark.django_db
def test_pages_carry_the_strict_policy(client):
    policy = client.get("/signin/")["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_only_the_cdn_api_docs_relax_it(client):
    swagger = client.get("/v1/swagger")["Content-Security-Policy"]
    assert "https://cdn.jsdelivr.net" in swagger and "frame-ancestors 'none'" in swagger
    assert "<script>" not in client.get("/v1/swagger").content.decode()  # the init script is a file
    assert "unsafe-inline" not in client.get("/v1/docs")["Content-Security-Policy"]
