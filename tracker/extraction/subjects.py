"""Agency lists: who a sentence is about.

A subject is a list of items separated by commas or "và": registry agencies ("Sở Tài
chính"), names that look like agencies but are not in the registry ("Sở Ngoại vụ"), and
collective phrases ("Các Sở, Ban, ngành", "UBND các xã, phường"). "Các Sở Tài chính, Nội vụ,
Nông nghiệp và Môi trường" shares its "Sở" across items; whether "và" separates items or
belongs to a name ("Khoa học và Công nghệ") is decided by the gazetteer: greedy longest match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.extraction.registry import Match, Registry
from tracker.extraction.textutil import Token, fold_keep_length, tokenize

__all__ = ["Item", "Span", "parse_list"]

_NAME_GAP = set(" ,-–—&'’")
_SEPARATOR_GAP = {"", ","}


class Span:
    """A sentence (or any piece of text) prepared for matching: folded, tokenised, expanded."""

    def __init__(self, text: str, folded: str | None = None) -> None:
        self.text = text
        self.folded = fold_keep_length(text) if folded is None else folded
        self.tokens: list[Token] = tokenize(text, self.folded)
        self.starts: list[int] = [token.start for token in self.tokens]
        self.words: list[str] = []
        self.word_token: list[int] = []
        self.ends: list[bool] = []
        self.breaks: list[bool] = []
        self.first_word: list[int] = []
        previous_end = 0
        words, word_token, ends, breaks = self.words, self.word_token, self.ends, self.breaks
        for index, token in enumerate(self.tokens):
            gap = text[previous_end : token.start]
            blocked = index > 0 and gap != " " and not set(gap) <= _NAME_GAP
            self.first_word.append(len(words))
            expanded = token.words
            if len(expanded) == 1:
                words.append(expanded[0])
                word_token.append(index)
                ends.append(True)
                breaks.append(blocked)
            else:
                last = len(expanded) - 1
                for position, word in enumerate(expanded):
                    words.append(word)
                    word_token.append(index)
                    ends.append(position == last)
                    breaks.append(blocked if position == 0 else False)
            previous_end = token.end
        self.first_word.append(len(self.words))

    def gap_before(self, token_index: int) -> str:
        """Return the text between token `token_index - 1` and token `token_index`."""
        if token_index <= 0 or token_index >= len(self.tokens):
            return ""
        return self.text[self.tokens[token_index - 1].end : self.tokens[token_index].start]

    def words_at(self, token_index: int, count: int) -> tuple[str, ...]:
        """Return up to `count` folded words starting at token `token_index`."""
        if token_index >= len(self.tokens):
            return ()
        start = self.first_word[token_index]
        return tuple(self.words[start : start + count])

    def token_after_word(self, word_end: int) -> int:
        """Return the index of the token that follows word `word_end - 1`."""
        return self.word_token[word_end - 1] + 1

    def slice(self, start_token: int, end_token: int) -> str:
        """Return the original text of tokens [start_token, end_token)."""
        return self.text[self.tokens[start_token].start : self.tokens[end_token - 1].end]


@dataclass
class Item:
    """One entry of an agency list."""

    kind: str  # named | unknown | collective
    start: int  # token indices [start, end)
    end: int
    surface: str
    match: Match | None = None
    collective_kind: str | None = None
    backref: bool = False
    nouns: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The canonical name when the registry knows the agency, else the name as written."""
        if self.match is not None and self.match.record is not None:
            return self.match.record.name
        return self.surface


# -- collective phrases -----------------------------------------------------------------

_LEADERS = [("thu", "truong"), ("lanh", "dao"), ("chu", "tich"), ("nguoi", "dung", "dau")]
_DEPARTMENT_NOUNS = [
    ("co", "quan", "chuyen", "mon"),
    ("co", "quan"),
    ("don", "vi"),
    ("so",),
    ("ban",),
    ("nganh",),
    ("to", "chuc"),
    ("doan", "the"),
    ("hoi",),
    ("doanh", "nghiep"),
    ("thanh", "vien"),
    ("chu", "dau", "tu"),
]
_COMMUNE_NOUNS = [
    ("dia", "phuong"),
    ("xa",),
    ("phuong",),
    ("dac", "khu"),
    ("huyen",),
    ("thanh", "pho"),
    ("thi", "xa"),
    ("thi", "tran"),
]
_NOUNS = sorted(_DEPARTMENT_NOUNS + _COMMUNE_NOUNS, key=len, reverse=True)
_COMMUNE_SET = set(_COMMUNE_NOUNS) | {("cap",)}
_MODIFIERS = sorted(
    [
        ("co", "lien", "quan"),
        ("lien", "quan"),
        ("khac",),
        ("truc", "thuoc"),
        ("thuoc", "uy", "ban", "nhan", "dan", "tinh"),
        ("thuoc", "uy", "ban", "nhan", "dan", "cap", "tinh"),
        ("thuoc", "tinh"),
        ("cua", "tinh"),
        ("cap", "tinh"),
        ("cap", "xa"),
        ("tren", "dia", "ban", "tinh"),
        ("tren", "dia", "ban"),
        ("tinh",),
        ("chuyen", "mon"),
        ("duoc", "giao", "nhiem", "vu"),
        ("duoc", "giao", "chu", "tri"),
        ("duoc", "giao"),
        ("neu", "tren"),
        ("noi", "tren"),
        ("tren", "day"),
        ("thanh", "vien"),
        ("ban", "chi", "dao"),
    ],
    key=len,
    reverse=True,
)
_BACKREF = {("neu", "tren"), ("noi", "tren"), ("tren", "day"), ("duoc", "giao", "chu", "tri")}
_UBND = ("uy", "ban", "nhan", "dan")
_UBND_ONLY = (_UBND,)
_ALL_LEVELS = (("cac", "cap"), ("cap", "xa"))


_BY_FIRST: dict[int, dict[str, list[tuple[str, ...]]]] = {}


def _match_seq(span: Span, word: int, options: Sequence[tuple[str, ...]]) -> tuple[str, ...] | None:
    """Return the first option spelled by the words at `word` (no punctuation inside)."""
    if word >= len(span.words):
        return None
    index = _BY_FIRST.get(id(options))
    if index is None:  # options are module constants: index them by first word once
        index = {}
        for option in options:
            index.setdefault(option[0], []).append(option)
        _BY_FIRST[id(options)] = index
    for option in index.get(span.words[word], ()):
        end = word + len(option)
        if end > len(span.words) or not span.ends[end - 1]:
            continue
        if tuple(span.words[word:end]) != option:
            continue
        if any(span.breaks[j] for j in range(word + 1, end)):
            continue
        return option
    return None


def _separator(span: Span, word: int) -> int | None:
    """If a list separator starts at word `word`, return the word index after it."""
    if word >= len(span.words) or span.first_word[span.word_token[word]] != word:
        return None
    gap = span.gap_before(span.word_token[word]).strip()
    if gap not in _SEPARATOR_GAP:
        return None
    if span.words[word] == "va" and span.ends[word]:
        after = word + 1
        if after < len(span.words) and span.breaks[after]:
            return None
        return after
    if gap == ",":
        return word
    return None


def _collective(span: Span, word: int) -> tuple[int, list[tuple[str, ...]], bool] | None:
    """Parse a collective phrase at `word`; return (end word, nouns, back-reference)."""
    start = word
    leader = _match_seq(span, word, _LEADERS)
    if leader:
        word += len(leader)
        if word < len(span.words) and span.words[word] == "cac" and span.breaks[word]:
            return None
    nouns: list[tuple[str, ...]] = []
    if _match_seq(span, word, _UBND_ONLY):
        word += 4
        if _match_seq(span, word, _ALL_LEVELS):
            nouns.append(("cap",))
            word += 2
        elif word < len(span.words) and span.words[word] == "cac":
            noun = _match_seq(span, word + 1, _COMMUNE_NOUNS)
            if not noun:
                return None
            nouns.append(noun)
            word += 1 + len(noun)
        else:
            return None
    elif word < len(span.words) and span.words[word] == "cac":
        noun = _match_seq(span, word + 1, _NOUNS)
        if not noun or span.breaks[word + 1]:
            return None
        nouns.append(noun)
        word += 1 + len(noun)
    else:
        return None
    # more nouns: "các Sở, Ban, ngành", "các xã, phường và đặc khu"
    while True:
        after = _separator(span, word)
        if after is None:
            break
        if after < len(span.words) and span.words[after] == "cac":
            after += 1
        noun = _match_seq(span, after, _NOUNS)
        if not noun or span.breaks[after] and span.words[after - 1] != "cac":
            break
        nouns.append(noun)
        word = after + len(noun)
    if (
        len(nouns) == 1
        and nouns[0] in (("so",), ("ban",))
        and word < len(span.words)
        and not span.breaks[word]
        and span.tokens[span.word_token[word]].upper
    ):
        return None  # "các Sở Ngoại vụ, Tài chính": a list of named agencies
    backref = False
    while word < len(span.words) and not span.breaks[word]:
        modifier = _match_seq(span, word, _MODIFIERS)
        if not modifier:
            break
        backref = backref or modifier in _BACKREF
        word += len(modifier)
    if word == start:
        return None
    return word, nouns, backref


def _collective_kind(nouns: Sequence[tuple[str, ...]]) -> str | None:
    kinds = {"commune" if noun in _COMMUNE_SET else "department" for noun in nouns}
    return kinds.pop() if len(kinds) == 1 else None


# -- names that look like agencies ------------------------------------------------------

# Heads in lower case *with* diacritics: folding would confuse "Sở" with "số", "Ban" with
# "bản", "Báo" with "bảo".
_HEADS = [
    ("bộ", "chỉ", "huy"),
    ("ban", "quản", "lý"),
    ("bảo", "hiểm", "xã", "hội"),
    ("hiệp", "hội"),
    ("trung", "tâm"),
    ("chi", "cục"),
    ("kho", "bạc"),
    ("ngân", "hàng"),
    ("liên", "đoàn"),
    ("tỉnh", "đoàn"),
    ("bệnh", "viện"),
    ("công", "ty"),
    ("văn", "phòng"),
    ("thanh", "tra"),
    ("công", "an"),
    ("điện", "lực"),
    ("hội", "đồng"),
    ("mặt", "trận"),
    ("sở",),
    ("ban",),
    ("đài",),
    ("báo",),
    ("cục",),
    ("hội",),
    ("đoàn",),
    ("trường",),
    ("viện",),
    ("quỹ",),
]
_LOCAL_LEVELS = [("xã",), ("phường",), ("đặc", "khu"), ("huyện",), ("thị", "xã"), ("thành", "phố")]
_STOP = {
    "chu",
    "phoi",
    "tham",
    "thuc",
    "trien",
    "co",
    "chiu",
    "khan",
    "to",
    "xay",
    "ra",
    "bao",
    "nghien",
    "theo",
    "huong",
    "tiep",
    "day",
    "tang",
    "chi",
    "phai",
    "can",
    "nghiem",
    "tap",
    "tong",
    "de",
    "kiem",
    "giao",
    "yeu",
    "va",
    "voi",
    "cung",
    "trong",
    "tai",
    "da",
    "dang",
    "se",
    "duoc",
    "la",
    "thi",
    "khi",
    "neu",
    "nham",
    "ve",
    "cho",
    "lam",
    "gui",
    "trinh",
    "hoan",
    "dam",
    "danh",
    "thong",
    "quan",
    "dieu",
}
_NOT_NAMES = {("báo", "cáo"), ("ban", "hành"), ("hội", "nghị"), ("trường", "hợp"), ("đoàn", "kết")}


def _lower_words(span: Span, token: int, count: int) -> tuple[str, ...]:
    return tuple(span.text[t.start : t.end].lower() for t in span.tokens[token : token + count])


def _unknown(span: Span, token: int, prefix_surface: str | None) -> tuple[int, str] | None:
    """Parse a name that looks like an agency at `token`; return (end token, name)."""
    tokens = span.tokens
    n = len(tokens)
    if prefix_surface is not None:
        # In "các Sở Tài chính, Ngoại vụ" the item is the rest of a shared-prefix name.
        if not tokens[token].upper or tokens[token].folded in _STOP:
            return None
        end = _name_words(span, token + 1, token)
        return end, f"{prefix_surface} {span.slice(token, end)}"
    lower = _lower_words(span, token, 4)
    if lower[:1] in (("ubnd",),) or lower[:4] in (
        ("ủy", "ban", "nhân", "dân"),
        ("uỷ", "ban", "nhân", "dân"),
    ):
        head_len = 1 if lower[0] == "ubnd" else 4
        rest = _lower_words(span, token + head_len, 2)
        for level in _LOCAL_LEVELS:
            if rest[: len(level)] == level:
                place = token + head_len + len(level)
                end = place
                while end < n and tokens[end].upper and not _blocked(span, end) and end - place < 5:
                    end += 1
                if end > place:
                    return end, span.slice(token, end)
        return None
    if not tokens[token].upper:
        return None
    for head in _HEADS:
        if lower[: len(head)] != head:
            continue
        first = token + len(head)
        if first >= n or _blocked(span, first):
            return None
        if not tokens[first].upper:
            # "Ban Quản lý dự án đầu tư xây dựng tỉnh": a long head may go on in lower case
            # up to "tỉnh"; a one-word head ("Báo cáo", "Ban hành") may not.
            end = _up_to_province(span, first) if len(head) > 1 else None
            return (end, span.slice(token, end)) if end else None
        if (lower[0], _lower_words(span, first, 1)[0]) in _NOT_NAMES:
            return None
        end = _name_words(span, first + 1, first)
        return end, span.slice(token, end)
    return None


_VERBS = {
    ("chu", "tri"),
    ("phoi", "hop"),
    ("tham", "muu"),
    ("bao", "cao"),
    ("khan", "truong"),
    ("to", "chuc"),
    ("thuc", "hien"),
    ("trien", "khai"),
    ("chiu", "trach"),
    ("co", "trach"),
    ("ra", "soat"),
    ("day", "nhanh"),
    ("tiep", "tuc"),
    ("hoan", "thanh"),
    ("nghien", "cuu"),
    ("theo", "doi"),
    ("huong", "dan"),
    ("kiem", "tra"),
    ("tong", "hop"),
    ("de", "xuat"),
    ("chuan", "bi"),
    ("tap", "trung"),
}
_SMALL_WORDS = {"cua", "va", "voi", "cho", "tai", "theo", "de", "la", "trong", "ve"}


def _up_to_province(span: Span, first: int) -> int | None:
    """End of a lower-case name that closes with "tỉnh" before any verb, else None."""
    end = first
    while end < len(span.tokens) and end - first < 10 and not _blocked(span, end):
        word = span.tokens[end].folded
        if word in _SMALL_WORDS or (word, _next_word(span, end)) in _VERBS:
            return None
        if word == "tinh":
            return end + 1
        end += 1
    return None


def _next_word(span: Span, token: int) -> str:
    return span.tokens[token + 1].folded if token + 1 < len(span.tokens) else ""


def _blocked(span: Span, token: int) -> bool:
    gap = span.gap_before(token)
    return not set(gap) <= set(" -–")


#: Stop words whose folded form is also a name word: "làm" stops a name, "lâm" ("Viện Hàn
#: lâm", "Lâm nghiệp") does not.
_STOP_WITH_DIACRITICS = {"lam": "làm"}


def _is_stop(span: Span, token: int) -> bool:
    folded = span.tokens[token].folded
    if folded not in _STOP:
        return False
    exact = _STOP_WITH_DIACRITICS.get(folded)
    if exact is None:
        return True
    word = span.tokens[token]
    return span.text[word.start : word.end].lower() == exact


def _name_words(span: Span, token: int, first: int) -> int:
    """Extend a name from `token` until punctuation, a verb-like stop word or 7 words."""
    end = token
    while end < len(span.tokens) and end - first < 7:
        if _blocked(span, end) or _is_stop(span, end):
            break
        if span.tokens[end].folded.isdigit():
            break
        end += 1
    return end


# -- the list parser --------------------------------------------------------------------


def _named(
    span: Span, registry: Registry, word: int, prefix: tuple[str, ...]
) -> tuple[int, int, int | None] | None:
    """Longest registry name at `word`, read directly or after the shared prefix.

    Returns (end word, record index, start word of a direct match or None when the name
    was completed with the shared prefix).
    """
    best: tuple[int, int, int | None] | None = None
    starts = [word]
    if span.words[word] == "cac" and word + 1 < len(span.words) and not span.breaks[word + 1]:
        starts.append(word + 1)
    for start in starts:
        direct = registry.longest(span.words, span.ends, span.breaks, start)
        if direct and (best is None or direct[0] > best[0]):
            best = (direct[0], direct[1], start)
    if prefix:
        shared = registry.longest(span.words, span.ends, span.breaks, word, prefix)
        if shared and (best is None or shared[0] >= best[0]):
            best = (shared[0], shared[1], None)
    return best


#: Heads a list may share after "các": "Giao các Bộ: Công an, Tài chính", "các Tập đoàn:
#: Bưu chính Viễn thông Việt Nam, …", "UBND các huyện: X, Y" (one item per member).
_SHARED_HEADS = sorted(
    [
        ("so",),
        ("bo",),
        ("tap", "doan"),
        ("tong", "cong", "ty"),
        ("cuc",),
        ("ban",),
        ("hoi",),
        ("truong",),
        ("benh", "vien"),
        ("trung", "tam"),
        ("cong", "ty"),
        ("dai",),
        ("vien",),
        ("co", "quan"),
    ],
    key=len,
    reverse=True,
)
_SHARED_LEVELS = [("huyen",), ("xa",), ("phuong",), ("tinh",), ("thanh", "pho"), ("thi", "xa")]


def _shared_head(
    span: Span, registry: Registry, word: int
) -> tuple[int, tuple[str, ...], str] | None:
    """Read "các Bộ:", "các Tập đoàn:", "UBND các huyện:" before a list of member names.

    Returns (first member's word, prefix words, prefix as written) when the first member
    completes to a registry name with the head, else None: without the colon a head
    followed by a capitalised name is read the same way ("các Bộ Công an, Tài chính").
    """
    words = span.words
    n = len(words)
    if word >= n:
        return None
    start = word
    if _match_seq(span, word, _UBND_ONLY):
        if word + 5 >= n or words[word + 4] != "cac":
            return None
        level = _match_seq(span, word + 5, _SHARED_LEVELS)
        if not level:
            return None
        prefix = _UBND + level
        after = word + 5 + len(level)
        # "UBND các tỉnh, thành phố: …": more levels before the colon
        while after < n and span.gap_before(span.word_token[after]).strip() in (",", ""):
            more = after + 1 if words[after] == "va" else after
            extra = _match_seq(span, more, _SHARED_LEVELS)
            if not extra or span.gap_before(span.word_token[after]).strip() == "" and more == after:
                break
            after = more + len(extra)
        head_surface = span.slice(span.word_token[start], span.word_token[word + 3] + 1)
        level_first = span.word_token[word + 5]
        level_surface = span.slice(level_first, span.word_token[word + 5 + len(level) - 1] + 1)
        surface = f"{head_surface} {level_surface}"
    else:
        if words[word] != "cac":
            return None
        head = _match_seq(span, word + 1, _SHARED_HEADS)
        if not head:
            return None
        prefix = head
        after = word + 1 + len(head)
        first = span.word_token[word + 1]
        surface = span.slice(first, span.word_token[after - 1] + 1)
        surface = surface[:1].upper() + surface[1:]
    if after >= n:
        return None
    token = span.word_token[after]
    gap = span.gap_before(token).strip()
    if gap not in (":", "") or not span.tokens[token].upper:
        return None
    if gap == "" and prefix == ("so",):
        return None  # "các Sở Tài chính, Nội vụ": read by the shared-"Sở" rule already
    found = registry.longest(words, span.ends, span.breaks, after, prefix)
    if found is None and gap != ":":
        return None  # without the colon only a registry name confirms the shared head
    return after, prefix, surface


def _shared_prefix(words: Sequence[str]) -> tuple[str, ...]:
    """The head a list may share: "Sở" of "các Sở Tài chính, Nội vụ", "UBND xã" of communes."""
    head = tuple(words)
    if head[:1] == ("so",):
        return ("so",)
    if head[:5] in (_UBND + ("xa",), _UBND + ("phuong",)):
        return head[:5]
    return ()


@dataclass
class _ListState:
    prefix: tuple[str, ...] = ()
    prefix_surface: str | None = None


def parse_list(
    span: Span, registry: Registry, token: int, *, allow_unknown: bool = True
) -> tuple[list[Item], int]:
    """Parse an agency list starting at token `token`; return (items, end token).

    Items come in order; the end token is the first token after the list (the list is
    empty when nothing agency-like starts at `token`).
    """
    items: list[Item] = []
    if token >= len(span.tokens):
        return items, token
    state = _ListState()
    word = span.first_word[token]
    shared = _shared_head(span, registry, word)
    if shared is not None:
        word, state.prefix, state.prefix_surface = shared
    end_token = token
    while word < len(span.words):
        parsed = _item(span, registry, word, state, allow_unknown or bool(items))
        if parsed is None:
            break
        items.append(parsed)
        end_token = parsed.end
        # "Sở Tài chính tỉnh": the registry name stops before "tỉnh"
        if (
            end_token < len(span.tokens)
            and parsed.kind == "named"
            and span.tokens[end_token].folded == "tinh"
            and not _blocked(span, end_token)
        ):
            end_token += 1
            parsed.end = end_token
        if end_token >= len(span.tokens):
            break
        after = _separator(span, span.first_word[end_token])
        if after is None or after >= len(span.words):
            break
        word = after
    return _merge_collectives(span, items), end_token


def _item(
    span: Span, registry: Registry, word: int, state: _ListState, allow_unknown: bool
) -> Item | None:
    token = span.word_token[word]
    named = _named(span, registry, word, state.prefix)
    collective = _collective(span, word)
    if collective and (named is None or collective[0] > named[0]):
        end_word, nouns, backref = collective
        end = span.token_after_word(end_word)
        state.prefix, state.prefix_surface = (), None
        return Item(
            "collective",
            token,
            end,
            span.slice(token, end),
            collective_kind=_collective_kind(nouns),
            backref=backref,
            nouns=[" ".join(n) for n in nouns],
        )
    if named:
        end_word, index, direct_start = named
        end = span.token_after_word(end_word)
        if direct_start is None:
            surface = f"{state.prefix_surface or 'Sở'} {span.slice(token, end)}"
        else:
            first = span.word_token[direct_start]
            surface = span.slice(first, end)
            state.prefix = _shared_prefix(span.words[direct_start:end_word])
            head = span.tokens[first]
            state.prefix_surface = span.text[head.start : head.end] if state.prefix else None
        return Item("named", token, end, surface, match=registry.resolve(index))
    if not allow_unknown:
        return None
    shared = state.prefix_surface if state.prefix else None
    unknown = _unknown(span, token, shared)
    if unknown is None and span.words[word] == "cac" and token + 1 < len(span.tokens):
        unknown = _unknown(span, token + 1, None)
    if unknown is None or unknown[0] <= token:
        return None
    end, surface = unknown
    if fold_keep_length(surface).startswith("so "):
        state.prefix = ("so",)
        state.prefix_surface = surface.split()[0]
    return Item("unknown", token, end, surface, match=Match(None))


def _merge_collectives(span: Span, items: list[Item]) -> list[Item]:
    """Join adjacent collective phrases: "Các Sở, Ban, ngành, Ủy ban nhân dân các cấp"."""
    merged: list[Item] = []
    for item in items:
        if merged and item.kind == "collective" and merged[-1].kind == "collective":
            last = merged[-1]
            kinds = {last.collective_kind, item.collective_kind}
            merged[-1] = Item(
                "collective",
                last.start,
                item.end,
                span.slice(last.start, item.end),
                collective_kind=kinds.pop() if len(kinds) == 1 else None,
                backref=last.backref or item.backref,
                nouns=last.nouns + item.nouns,
            )
        else:
            merged.append(item)
    return merged
