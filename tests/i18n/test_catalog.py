"""The English catalog is complete, compiled, and in step with the source.

Vietnamese is the source language: every msgid is the Vietnamese text. These tests fail when
someone adds UI text without running `make translations` (extract, translate, compile).
"""

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "tracker" / "translations"
PO = CATALOGS / "en" / "LC_MESSAGES" / "messages.po"
MO = CATALOGS / "en" / "LC_MESSAGES" / "messages.mo"
#: the same keywords as the Makefile's `pybabel extract -k _l -k lazy_gettext`
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "_l": None,
    "lazy_gettext": None,
}


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as f:
        return read_po(f)


def _key(message) -> tuple[str | None, str]:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return (message.context, msgid)


def test_every_entry_is_translated_and_not_fuzzy(catalog):
    entries = [m for m in catalog if m.id]
    assert len(entries) > 700
    untranslated = [m.id for m in entries if not m.string]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert not catalog.fuzzy
    # placeholders survive translation (babel's own checks: python-format and friends)
    assert [(m.id, errors) for m, errors in catalog.check()] == []


def test_the_compiled_catalog_matches_the_po(catalog):
    """The committed .mo says what the .po says (a stale .mo would show old English)."""
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for m in catalog:
        if not m.id:
            continue
        if m.context:
            got = compiled.pgettext(m.context, m.id)
        else:
            got = compiled.gettext(m.id)
        if got != m.string:
            stale.append(m.id)
    assert stale == []


def test_the_source_has_no_msgid_missing_from_the_catalog(catalog):
    """Extract now (babel's Python API, the project's babel.cfg) and compare with the .po."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    extracted = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        extracted.add((context, msgid))
    assert len(extracted) > 700
    known = {_key(m) for m in catalog if m.id}
    assert sorted(extracted - known, key=str) == []
    # nothing obsolete lingers either: the catalog is exactly what the source uses
    assert sorted(known - extracted, key=str) == []


def test_data_labels_are_in_the_catalog(catalog):
    """Labels kept as Vietnamese data (pure modules, enums) are listed in tracker/i18n_labels.py,
    so that `{{ _(state.label) }}` finds an English text."""
    from tracker.agencies.models import AgencyKind
    from tracker.auth.models import Role
    from tracker.deadlines.models import ExtensionState
    from tracker.deadlines.periods import Cadence
    from tracker.deadlines.status import Status
    from tracker.directives.models import DirectiveKind
    from tracker.reminders.models import KIND_LABELS, OutboxStatus
    from tracker.reports.exports import SUMMARY_COLUMNS

    labels = (
        [s.label for s in Status]
        + [c.label for c in Cadence]
        + [r.label for r in Role]
        + [k.label for k in AgencyKind]
        + [k.value for k in DirectiveKind]
        + [s.label for s in ExtensionState]
        + [s.label for s in OutboxStatus]
        + list(KIND_LABELS.values())
        + [header for _key, header, _width in SUMMARY_COLUMNS]
    )
    known = {m.id for m in catalog if m.id}
    assert [label for label in labels if label not in known] == []


def test_pure_modules_import_no_flask():
    """The pure rules stay free of Flask: their labels are translated where they are shown."""
    names = ("calendar", "periods", "relative", "status", "wilson")
    pure = [ROOT / "tracker" / "deadlines" / f"{name}.py" for name in names]
    engine = ("engine", "dates", "header", "subjects", "registry", "readers", "textutil")
    pure += [ROOT / "tracker" / "extraction" / f"{name}.py" for name in engine]
    for path in pure:
        lines = path.read_text(encoding="utf-8").splitlines()
        imports = [line for line in lines if line.lstrip().startswith(("import ", "from "))]
        assert not [line for line in imports if "flask" in line or "tracker.extensions" in line], (
            path
        )
