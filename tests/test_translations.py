"""Korean is complete: every message of the portal is translated, and the source article's labels are used.

The completeness test runs `makemessages` on a temporary copy of the project (the repository's locale/ is
never touched), so a string added anywhere without a Korean translation fails it. It needs GNU gettext
(`xgettext`, `msgmerge`, `msgfmt`): skipped locally when it is missing, a failure under CI=true.
"""

import gettext as gnu_gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "ko" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msgattrib", "msgfmt")
# Not the portal's own strings: environments, caches, test code and generated files.
IGNORED = [".venv", "var", "tests", "node_modules", ".git", "staticfiles", "test-results"]
COPY_IGNORED = shutil.ignore_patterns(
    *IGNORED, ".hypothesis", ".pytest_cache", ".ruff_cache", "__pycache__", "*.pyc", "*.mo"
)

# Labels that the source article (Korean edition, English original inline) names; SPEC §7.
ARTICLE_LABELS = {
    "Enroll now": "지금 등록",
    "Accept and continue": "동의 및 계속",
    "Indirect providers": "간접 공급자",
    "Invite new customers": "새 고객 초대",
    "Copy to clipboard": "클립보드에 복사",
    "Done": "완료",
    "Overview": "개요",
    "Partner profile": "파트너 프로필",
    "Program info": "프로그램 정보",
    "Customers": "고객",
    "Indirect resellers": "간접 재판매인",
    "Indirect reseller": "간접 재판매인",
    "Indirect reseller agreement": "간접 재판매인 계약",
    "Direct bill": "직접 청구",
    "Indirect provider": "간접 공급자",
    "Primary contact": "기본 연락처",
    "Add products": "제품 추가",
    "View products": "제품 보기",
    "Incentives": "인센티브",
    "Indirect reseller incentives": "간접 재판매인 인센티브",
}


def _require_gettext() -> None:
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = f"GNU gettext is missing ({', '.join(missing)}): install it with `apt-get install gettext`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: the translation checks are required)")
    pytest.skip(message)


def _statistics(po: Path) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated) as `msgfmt --check --statistics` counts them."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, f"msgfmt --check failed on {po}:\n{result.stderr}"

    def count(kind: str) -> int:
        match = re.search(rf"(\d+) {kind}", result.stderr)
        return int(match.group(1)) if match else 0

    return count("translated"), count("fuzzy"), count("untranslated")


def _untranslated_msgids(po: Path) -> list[str]:
    """The first lines of the untranslated and fuzzy entries, to name them in a failure."""
    result = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(po)], capture_output=True, text=True
    ).stdout
    result += subprocess.run(
        ["msgattrib", "--untranslated", "--no-wrap", str(po)], capture_output=True, text=True
    ).stdout
    return [line[6:] for line in result.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_korean_is_complete_after_makemessages(tmp_path):
    """Every message the portal's code and templates mark, in Korean: 0 untranslated, 0 fuzzy."""
    _require_gettext()
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=COPY_IGNORED, symlinks=True)
    env = {**os.environ, "PORTAL_VAR_DIR": str(tmp_path / "var"), "LC_ALL": "C.UTF-8"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's default settings, read from the copy
    ignores = [arg for name in IGNORED for arg in ("--ignore", name, "--ignore", f"{name}/*")]
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "ko",
            "--no-obsolete",
            "-e",
            "html,txt,py",
            *ignores,
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    po = project / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    translated, fuzzy, untranslated = _statistics(po)
    missing = _untranslated_msgids(po)
    assert (fuzzy, untranslated) == (0, 0), (
        f"Korean is incomplete: {untranslated} untranslated and {fuzzy} fuzzy of "
        f"{translated + fuzzy + untranslated} messages. Run `python manage.py makemessages -l ko "
        f"--no-obsolete -e html,txt,py --ignore=.venv --ignore=var --ignore=tests --ignore=node_modules`, "
        f"translate, then `python manage.py compilemessages -l ko --ignore=.venv`. Missing:\n"
        + "\n".join(missing[:50])
    )
    assert translated > 0


def test_committed_korean_catalog_is_compiled_from_the_po(tmp_path):
    """locale/ko/.../django.mo holds exactly the translations of django.po (compilemessages was run)."""
    _require_gettext()
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True, capture_output=True)
    with fresh.open("rb") as expected, MO.open("rb") as committed:
        expected_catalog = gnu_gettext.GNUTranslations(expected)._catalog
        committed_catalog = gnu_gettext.GNUTranslations(committed)._catalog
    stale = sorted(str(k) for k in expected_catalog.keys() ^ committed_catalog.keys())
    stale += sorted(
        str(k)
        for k in expected_catalog.keys() & committed_catalog.keys()
        if expected_catalog[k] != committed_catalog[k]
    )
    assert not stale, "django.mo is out of date: run `python manage.py compilemessages -l ko`.\n" + "\n".join(
        stale[:20]
    )


def test_korean_catalog_has_one_plural_form():
    text = PO.read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text
    assert "msgstr[1]" not in text


@pytest.mark.parametrize(("english", "korean"), sorted(ARTICLE_LABELS.items()))
def test_article_labels_in_korean(english, korean):
    with translation.override("ko"):
        assert translation.gettext(english) == korean
    with translation.override("en"):
        assert translation.gettext(english) == english
