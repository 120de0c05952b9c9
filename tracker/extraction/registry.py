"""The agency gazetteer the extraction engine matches names against.

Documents name agencies in many ways: full names, "UBND" for "Ủy ban nhân dân",
"Sở KH&CN", lower case, no diacritics, or by names that disappeared in the 2025
reorganisation. The registry turns every name and alias of every agency into a folded word
sequence once, at construction, so matching a name is a dictionary look-up and finding
names inside a sentence is a walk down a word trie (greedy longest match).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO

from tracker.extraction.textutil import clean_text, fold_keep_length, tokenize

__all__ = ["AgencyRecord", "Match", "Registry"]

_END = ""  # trie key marking "a name ends here"; never a word


@dataclass
class AgencyRecord:
    """One agency as the office knows it (a row of the registry)."""

    id: int | None
    name: str
    short_name: str = ""
    kind: str = "other"  # department | commune | other
    aliases: list[str] = field(default_factory=list)
    merged_into: str | None = None  # for a former agency: the successor's name


@dataclass(frozen=True)
class Match:
    """The answer to "which agency is this name?".

    `record` is the agency that holds the work today (the successor when the name is a
    former agency's); `former` is the former agency actually named, so callers can warn.
    """

    record: AgencyRecord | None
    note: str | None = None
    former: AgencyRecord | None = None


def name_key(name: str) -> tuple[str, ...]:
    """Return the folded, abbreviation-expanded words of `name` (the matching key)."""
    text = clean_text(name)
    return tuple(word for token in tokenize(text, fold_keep_length(text)) for word in token.words)


class Registry:
    """Agencies indexed for exact look-up and for longest-match scanning of sentences."""

    def __init__(self, records: Iterable[AgencyRecord]) -> None:
        self.records: list[AgencyRecord] = list(records)
        self._exact: dict[tuple[str, ...], int] = {}
        self.trie: dict = {}
        for index, record in enumerate(self.records):
            names = [record.name, *record.aliases]
            for key in map(name_key, names):
                self._add(key, index, scan=True)
                # "Đoàn Thanh niên Cộng sản Hồ Chí Minh" without the trailing "tỉnh"; only
                # for long names, so that "Công an" or "Thanh tra" alone stay ambiguous.
                if len(key) >= 4 and key[-1] == "tinh":
                    self._add(key[:-1], index, scan=True)
            if record.short_name:
                self._add(name_key(record.short_name), index, scan=False)
        self._successor: dict[int, int | None] = {
            index: self._find_successor(index) for index in range(len(self.records))
        }

    # -- construction -------------------------------------------------------------------

    def _add(self, key: tuple[str, ...], index: int, *, scan: bool) -> None:
        if not key:
            return
        self._exact.setdefault(key, index)
        if not scan:
            return
        node = self.trie
        for word in key:
            node = node.setdefault(word, {})
        node.setdefault(_END, index)

    def _find_successor(self, index: int) -> int | None:
        """Follow merged_into links to the agency that exists today (None if unknown)."""
        seen = {index}
        current = index
        while self.records[current].merged_into:
            target = self._exact.get(name_key(self.records[current].merged_into or ""))
            if target is None or target in seen:
                return None
            seen.add(target)
            current = target
        return current

    @classmethod
    def from_csv(cls, source: str | os.PathLike[str] | IO[str] | IO[bytes]) -> Registry:
        """Build a registry from the agencies.csv format.

        Columns: name, short_name, kind, aliases ('|'-separated), email, head_email,
        merged_into, and optionally id. Accepts a path or an open text/binary file.
        """
        if isinstance(source, str | os.PathLike):
            with open(source, encoding="utf-8-sig", newline="") as handle:
                return cls(_records_from_rows(csv.DictReader(handle)))
        data = source.read()
        if isinstance(data, bytes):
            data = data.decode("utf-8-sig")
        return cls(_records_from_rows(csv.DictReader(io.StringIO(data.lstrip("\ufeff")))))

    # -- look-up ------------------------------------------------------------------------

    def get(self, agency_id: int) -> AgencyRecord | None:
        """Return the record with this id, if any."""
        for record in self.records:
            if record.id == agency_id:
                return record
        return None

    def resolve(self, index: int) -> Match:
        """Return the match for record number `index`, following a merge to its successor."""
        record = self.records[index]
        if not record.merged_into:
            return Match(record)
        successor = self._successor.get(index)
        if successor is None:
            note = f"{record.name} đã sáp nhập vào {record.merged_into} (chưa có trong danh mục)"
            return Match(record, note, former=record)
        new = self.records[successor]
        return Match(new, f"{record.name} nay là {new.name}", former=record)

    def match(self, name: str) -> Match:
        """Find the agency called `name`, ignoring case, diacritics, spacing, abbreviations.

        "UBND xã Mai Châu", "ubnd xa mai chau" and "Ủy ban nhân dân xã Mai Châu" are the same
        agency; a former agency ("Sở Kế hoạch và Đầu tư") resolves to its successor with a
        note. Returns Match(None, None) when nothing fits.
        """
        key = name_key(name or "")
        if key[:1] == ("cac",):
            key = key[1:]
        candidates = [key]
        if key[-1:] == ("tinh",):
            candidates.append(key[:-1])
        else:
            candidates.append((*key, "tinh"))
        for candidate in candidates:
            index = self._exact.get(candidate)
            if index is not None:
                return self.resolve(index)
        return Match(None)

    def longest(
        self,
        words: Sequence[str],
        ends: Sequence[bool],
        breaks: Sequence[bool],
        start: int,
        prefix: Sequence[str] = (),
    ) -> tuple[int, int] | None:
        """Walk the trie from `words[start]`; return (end, record index) of the longest name.

        `ends[j]` says a name may stop after word j (false inside an expanded abbreviation);
        `breaks[j]` says word j cannot continue a name begun before it (punctuation between).
        `prefix` is read before the words: the shared "Sở" of "các Sở Tài chính, Nội vụ".
        """
        node = self.trie
        for word in prefix:
            node = node.get(word)
            if node is None:
                return None
        best = None
        j = start
        while j < len(words):
            if j > start and breaks[j]:
                break
            node = node.get(words[j])
            if node is None:
                break
            j += 1
            if ends[j - 1] and _END in node:
                best = (j, node[_END])
        return best


def _records_from_rows(rows: Iterable[dict[str, str]]) -> list[AgencyRecord]:
    records = []
    for row in rows:
        name = (row.get("name") or "").strip()
        if not name:
            continue
        raw_id = (row.get("id") or "").strip()
        records.append(
            AgencyRecord(
                id=int(raw_id) if raw_id.isdigit() else None,
                name=name,
                short_name=(row.get("short_name") or "").strip(),
                kind=(row.get("kind") or "other").strip() or "other",
                aliases=[a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()],
                merged_into=(row.get("merged_into") or "").strip() or None,
            )
        )
    return records
