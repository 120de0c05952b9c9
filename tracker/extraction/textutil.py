"""Low-level text handling shared by the registry and the extraction engine.

The engine works on a *folded* copy of each sentence (lower case, no diacritics, đ→d) so
that its regular expressions can be written once in plain ASCII, yet it must hand the
reviewer the sentence exactly as written. `fold_keep_length` therefore folds character by
character, so that every offset in the folded copy is also an offset in the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "ABBREVIATIONS",
    "Token",
    "clean_text",
    "expand_words",
    "fold_keep_length",
    "tokenize",
]

# Abbreviations that official documents use for agency names. Each folded token on the
# left is read as the sequence of folded words on the right, both in the registry and in
# the text, so "UBND", "Ủy ban nhân dân" and "Uỷ ban nhân dân" meet on the same words.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    key: tuple(value.split())
    for key, value in {
        "ubnd": "uy ban nhan dan",
        "hdnd": "hoi dong nhan dan",
        "kh&cn": "khoa hoc va cong nghe",
        "khcn": "khoa hoc va cong nghe",
        "nn&mt": "nong nghiep va moi truong",
        "nnmt": "nong nghiep va moi truong",
        "nn&ptnt": "nong nghiep va phat trien nong thon",
        "nnptnt": "nong nghiep va phat trien nong thon",
        "gd&dt": "giao duc va dao tao",
        "gddt": "giao duc va dao tao",
        "tn&mt": "tai nguyen va moi truong",
        "tnmt": "tai nguyen va moi truong",
        "tt&tt": "thong tin va truyen thong",
        "tttt": "thong tin va truyen thong",
        "kh&dt": "ke hoach va dau tu",
        "khdt": "ke hoach va dau tu",
        "ld-tb&xh": "lao dong thuong binh va xa hoi",
        "ldtb&xh": "lao dong thuong binh va xa hoi",
        "ldtbxh": "lao dong thuong binh va xa hoi",
        "vh": "van hoa",
        "tt&dl": "the thao va du lich",
        "vhttdl": "van hoa the thao va du lich",
        "vh-tt&dl": "van hoa the thao va du lich",
        "gtvt": "giao thong van tai",
        "tncs": "thanh nien cong san",
        "hcm": "ho chi minh",
        "mttq": "mat tran to quoc",
        "ubmttq": "uy ban mat tran to quoc",
        "bql": "ban quan ly",
        "kcn": "khu cong nghiep",
        "ttdt": "thong tin dien tu",
        "pt-th": "phat thanh va truyen hinh",
        "ptth": "phat thanh va truyen hinh",
        "bchqs": "bo chi huy quan su",
        "cchc": "cai cach hanh chinh",
        "vp": "van phong",
    }.items()
}

_WORD = re.compile(r"[\w&]+(?:-[\w&]+)*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")


def clean_text(text: object) -> str:
    """Return `text` as NFC text with one kind of newline and space and no control bytes.

    Pasted notices come from web pages, Word and PDF viewers; non-breaking spaces, soft
    hyphens, decomposed diacritics and stray control bytes would otherwise break both the
    regular expressions and the offsets we report back.
    """
    if text is None:
        return ""
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        text = str(text)
    text = _NEWLINES.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    # Lone surrogates cannot be normalised or encoded; replace them.
    text = text.encode("utf-8", errors="replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text)


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    low = base.lower()
    return low if len(low) == 1 else base


# Every character of the Latin, general-punctuation and Vietnamese blocks is in the table
# (identity included): str.translate is much slower on characters it has to look up and
# miss. Characters outside these blocks are left as they are.
_FOLD_TABLE = {
    code: ord(_fold_char(chr(code)))
    for block in (range(0x250), range(0x1E00, 0x1F00), range(0x2000, 0x2070))
    for code in block
}


def fold_keep_length(text: str) -> str:
    """Fold `text` (lower case, no diacritics, đ→d) keeping every character's offset."""
    return text.translate(_FOLD_TABLE)


class Token(NamedTuple):
    """One word of a sentence, with the words it stands for once abbreviations expand."""

    words: tuple[str, ...]  # folded, expanded ("ubnd" -> uy ban nhan dan)
    folded: str  # folded surface form
    start: int  # character offsets in the sentence
    end: int
    upper: bool  # the original word starts with a capital letter


def expand_words(folded_word: str) -> tuple[str, ...]:
    """Return the folded words an abbreviation stands for (or the word itself)."""
    return ABBREVIATIONS.get(folded_word, (folded_word,))


def tokenize(original: str, folded: str) -> list[Token]:
    """Split a sentence into word tokens (letters, digits, '&', inner hyphens)."""
    get = ABBREVIATIONS.get
    new = tuple.__new__  # skips NamedTuple's Python-level __new__: this is the hot path
    return [
        new(Token, (get(word, (word,)), word, start, start + len(word), original[start].isupper()))
        for match in _WORD.finditer(folded)
        for word, start in ((match.group(), match.start()),)
    ]
