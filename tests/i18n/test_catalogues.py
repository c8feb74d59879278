"""The English catalogues: every Vietnamese string of the pages has its translation, and the
compiled catalogue the package ships says the same as its source."""

import gettext
from pathlib import Path

import polib
import pytest

import cancuoc

CATALOGUES = sorted(Path(cancuoc.__file__).parent.glob("*/locale/*/LC_MESSAGES/django.po"))


def test_every_app_with_pages_has_an_english_catalogue():
    apps = {path.parts[-5] for path in CATALOGUES if path.parts[-3] == "en"}
    assert {"reports", "intake", "scheduling", "planning", "dedup", "accounts"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parts[-5]}-{p.parts[-3]}")
def test_the_catalogue_is_complete(path):
    catalogue = polib.pofile(str(path))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"{path}: not translated: {missing[:10]}"
    assert not fuzzy, f"{path}: fuzzy (check and clear the flag): {fuzzy[:10]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parts[-5]}-{p.parts[-3]}")
def test_the_compiled_catalogue_matches_its_source(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"run django-admin compilemessages in {path.parents[3]}"
    with compiled.open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    for entry in polib.pofile(str(path)):
        if entry.obsolete or not entry.translated():
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            assert shipped.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        else:
            assert shipped._catalog.get(key) == entry.msgstr, (
                f"{compiled} is older than its .po: compile it again ({entry.msgid!r})"
            )
