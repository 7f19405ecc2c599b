"""Both catalogues are complete: no untranslated or fuzzy entry, and no string in the code that
the catalogues do not have yet."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("da", "nb")
SKIP_DIRS = {".venv", ".git", "var", "media", "staticfiles", "test-artifacts", "node_modules"}


def catalogues() -> list[Path]:
    found = []
    for path in ROOT.rglob("LC_MESSAGES/django.po"):
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            found.append(path)
    return sorted(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    paths = [p for p in catalogues() if p.parts[-3] == language]
    assert paths, f"no {language} catalogue"
    for path in paths:
        catalogue = polib.pofile(str(path))
        untranslated = [e.msgid for e in catalogue.untranslated_entries()]
        fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
        assert untranslated == [], f"{path}: untranslated {untranslated}"
        assert fuzzy == [], f"{path}: fuzzy {fuzzy}"
        assert not catalogue.metadata_is_fuzzy, f"{path}: fuzzy header"


def test_catalogues_compile_with_consistent_placeholders():
    for path in catalogues():
        result = subprocess.run(
            ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, f"{path}: {result.stderr}"


def test_every_string_in_the_code_is_in_the_catalogues(tmp_path):
    # Extract afresh into a copy of the tree and compare msgids with the committed catalogues.
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*SKIP_DIRS, "__pycache__", "*.mo"))
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "da",
            "-l",
            "nb",
            "--no-obsolete",
            "--no-location",
            "--ignore=tests",
            "--ignore=conftest.py",
            "--ignore=bench",
            "--ignore=scripts",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for path in catalogues():
        fresh = polib.pofile(str(copy / path.relative_to(ROOT)))
        committed = polib.pofile(str(path))
        new = {e.msgid for e in fresh} - {e.msgid for e in committed}
        assert new == set(), f"{path.relative_to(ROOT)} lacks {sorted(new)}: run `make messages` and translate"
