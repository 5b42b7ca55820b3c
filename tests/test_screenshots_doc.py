"""docs/screenshots.md links every screenshot in docs/screenshots/ and nothing that is missing."""

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_screenshot_index_matches_the_files():
    index = (DOCS / "screenshots.md").read_text()
    linked = set(re.findall(r"\(screenshots/([\w.-]+\.png)\)", index))
    files = {p.name for p in (DOCS / "screenshots").glob("*.png")}
    assert linked, "docs/screenshots.md links no screenshot"
    assert linked <= files, f"linked but missing: {sorted(linked - files)}"
    journeys = {name.split("-")[0] for name in files if "-en-" in name or "-ko-" in name}
    for journey in journeys:
        for language in ("en", "ko"):
            for size in ("desktop", "phone"):
                assert any(f"-{language}-{size}.png" in n for n in linked if n.startswith(journey + "-")), (
                    journey,
                    language,
                    size,
                )
    unlinked = {n for n in files - linked if re.match(r"\w+-\d\d-", n)}
    assert not unlinked, f"journey screenshots not in the index: {sorted(unlinked)}"
