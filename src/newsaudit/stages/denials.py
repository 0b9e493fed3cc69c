"""Denials and contradictions, linked to the earlier statements they dispute.

- `denial`: an attribution whose cue is a denial verb ("dismissed"), with its object ("the reports of X").
- `downplay`: a statement that denies or minimises without one ("only a consultative role", "baseless").
- `contradiction`: two sources whose contents oppose, joined by a contrast ("X says A, but Y says B").

What a denial disputes is read from what its object means, not from shared words alone. The object (for a
downplay, its statement less the downplaying phrase) becomes keys: names and demonyms (first four letters, so
"Iranian" meets "Iran's"), event classes from the lexicon ("buildup", "joined", "arrived" are one; "troops",
"soldiers", "forces" another), numbers and other content words. An earlier statement is disputed when it
shares a name the object gives and something else (two keys, or an event or number), covering the object
nearly as well as the best one. A loose object ("the claims", "them") stands for the reports just before the
denial and, from them, earlier reports of the same event (two keys in common, not names alone). Reports (said
by someone else, or passed on: "reportedly") come first, the article's own voice only when no report matches.
Never disputed: the denial's own sentence, the denier's statements, sentences that themselves deny, and a
statement that negates what the object asserts (it says what the denier says). `reasons` says why each link
was made. A downplay that finds nothing of its own continues its source's denial just before it.

A contradiction needs opposing content: negated on one side only, a restriction ("only", "mainly") or an
alternative ("other"), antonyms, or different numbers on one topic. The stance model was tried and is not used
here: trained on headlines against whole bodies, it calls "the bridge is safe" / "the bridge is dangerous"
agreement. A denial or downplay contrasted with another source is no contradiction: it already names what it
disputes, and the other source usually supports what was denied.

Cost is linear in the text: statements are indexed by key, and a denial reads at most `CANDIDATES_PER_KEY` of
the latest earlier statements under each key (a loose object: the reports in the `WINDOW` sentences before it,
then at most `MAX_DISPUTES` rounds of the same). When the cap left some out, the denial's last reason says so
and the stage returns a `work_capped` warning.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

from newsaudit.resources import package_text
from newsaudit.schema import Attribution, Denial, Entity, Hedge, Sentence, Source, Span
from newsaudit.stages.registry import WARNINGS, Context, stage, work_capped

#: Earlier statements read per key of a denial's object, the latest first: bounds a denial's cost.
CANDIDATES_PER_KEY = 64
#: Sentences before a loosely named denial ("denied the claims") whose reports it stands for.
WINDOW = 3
#: Statements one denial disputes at most, best first.
MAX_DISPUTES = 6
# A statement a denial can dispute says something: a phrase such as "intelligence matters" does not.
_MIN_CLAIM_WORDS = 6
# A statement is kept when it covers the object at least this share of the best statement's cover.
_NEAR_BEST = 0.75
_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]")
_CONTRAST = re.compile(r"\b(but|while|whereas|however|though|although|yet)\b", re.IGNORECASE)
_CONTRAST_ACROSS = re.compile(r"\b(but|however|yet|by contrast|in contrast)\b", re.IGNORECASE)
_NAME_LABELS = frozenset(("PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"))
_REPORTING_HEDGES = frozenset(("reportive", "distancing", "unverified"))
_NUMBER_WORDS = {
    **{w: str(n) for n, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)},
    **{w: str(n * 10) for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)},
    **{"hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000", "dozen": "12"},
}
# Function words, reporting vocabulary and dates, which say nothing about what a statement is about.
_STOP = frozenset(
    "the a an of to in on at for from by with and or but that this these those it its their his her they "
    "he she we you i is are was were be been being have has had do does did not no as into about over "
    "than then there also which who whom whose what when where while would will can could may might "
    "should said say says told reported reports report claims claim according officials official however "
    "some any all more most other indicated indicate reportedly allegedly recent long just only "
    "monday tuesday wednesday thursday friday saturday sunday january february march april june july "
    "august september october november december day days week weeks month months year years today "
    "yesterday tomorrow mr mrs ms dr maj gen lt col sgt against near under after before between through during "
    "within without around across along behind beyond toward towards upon via up down out off so such very even "
    "still already again each every both either several many much few own same new".split()
)
Skips = tuple[tuple[int, int], ...]
Link = tuple[Span, str]


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A crude suffix stripper, enough that "deployed" meets "deployment" and "forces" meets "force"."""
    word = word.lower().replace("’", "'").removesuffix("'s").rstrip("'")
    for suffix, replacement in (("ments", ""), ("ment", ""), ("ings", ""), ("ing", ""), ("ies", "y"), ("ied", "y")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    for suffix in ("ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


@dataclass(frozen=True, slots=True)
class DenialLexicon:
    verbs: frozenset[str]
    phrases: tuple[re.Pattern[str], ...]
    events: dict[str, str]  # stem -> event class
    negations: frozenset[str]
    opposing: frozenset[str]  # restrictive and alternative words
    antonyms: dict[str, frozenset[str]]  # stem -> the stems it opposes
    agreeing: re.Pattern[str]
    ignored: frozenset[str]  # words and stems that are no keys: function words, claim nouns, titles
    reporting: frozenset[str]  # cue lemmas that make a statement a report without a source ("was reported")

    @classmethod
    @cache
    def default(cls) -> DenialLexicon:
        data = tomllib.loads(package_text("lexicons/attribution.toml"))
        section, cues = data["denials"], data["cues"]
        antonyms: dict[str, set[str]] = {}
        for a, b in section["antonyms"]:
            antonyms.setdefault(_stem(a), set()).add(_stem(b))
            antonyms.setdefault(_stem(b), set()).add(_stem(a))
        ignored = _STOP | frozenset(section["claim_nouns"] + data["sources"]["roles"] + cues["denial"])
        return cls(
            verbs=frozenset(cues["denial"]),
            phrases=tuple(re.compile(rf"\b{p}\b", re.IGNORECASE) for p in section["phrases"]),
            events={_stem(w.replace("-", "")): kind for kind, words in section["events"].items() for w in words},
            negations=frozenset(section["negations"]),
            opposing=frozenset(section["restrictive"] + section["alternative"]),
            antonyms={stem: frozenset(others) for stem, others in antonyms.items()},
            agreeing=re.compile(rf"\b({'|'.join(section['agreeing'])})\b", re.IGNORECASE),
            ignored=ignored | frozenset(_stem(word) for word in ignored),
            reporting=frozenset(cues["speech"] + cues["report"] + cues["claim"]),
        )


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement a denial can dispute: a sentence, or another source's content inside a sentence that denies."""

    span: Span
    sentence: int
    keys: dict[str, str]  # key -> the word it was read from
    sources: tuple[Source, ...]
    reported: bool
    negated: bool


@stage("denials", requires=("sentences", "entities", "attributions", "hedges"), assigns=("denials",))
def denials(context: Context) -> dict[str, Any]:
    """Denials, downplays and contradictions, each with what it disputes and why; a warning if a cap bit."""
    text, f, lexicon = context.article.text, context.findings, DenialLexicon.default()
    found, capped = find_denials(text, f["sentences"], f["attributions"], lexicon, f["entities"], f["hedges"])
    if not capped:
        return {"denials": found}
    cap = f"{capped} denial(s) read only the latest {CANDIDATES_PER_KEY} earlier statements under each word of their"
    return {"denials": found, WARNINGS: (work_capped(cap + " object; earlier matches were not linked"),)}


def find_denials(
    text: str,
    sentences: tuple[Sentence, ...],
    attributions: tuple[Attribution, ...],
    lexicon: DenialLexicon,
    entities: tuple[Entity, ...] = (),
    hedges: tuple[Hedge, ...] = (),
) -> tuple[tuple[Denial, ...], int]:
    """The denials, downplays and contradictions in text order, and how many denials a cap cut short."""
    reader = Reader(text, sentences, entities, lexicon)
    cues: list[tuple[Attribution, str, Span]] = []
    seen: set[int] = set()
    for attribution in attributions:
        content = attribution.content
        if attribution.cue_lemma in lexicon.verbs:
            cues.append((attribution, "denial", attribution.cue))
        elif content is not None and attribution.type != "introduced":
            for pattern in lexicon.phrases:
                match = pattern.search(text, content.start, content.end)
                if match and match.start() not in seen:
                    seen.add(match.start())
                    cues.append((attribution, "downplay", Span.of(text, match.start(), match.end())))
                    break
    linker = Linker(reader, _statements(reader, attributions, hedges, {a.sentence for a, _, _ in cues}))
    found: list[Denial] = []
    last: dict[int, Denial] = {}  # sentence -> its last denial, which a downplay after it may continue
    for attribution, kind, cue in cues:
        number, source, target = attribution.sentence, attribution.source, attribution.content
        links = linker.disputed(number, source, target, (cue.start, cue.end) if kind == "downplay" else None)
        if kind == "downplay" and not links:  # "…, calling them a fabrication": its source's denial just before
            denied = [d for d in (last.get(number), last.get(number - 1)) if d and _same_source(d.source, source)]
            why = f"as “{denied[0].cue.text}” by the same source just before" if denied else ""
            links = [(span, why) for span in denied[0].disputes] if denied else linker.loose(number, source, target)
        disputes, reasons = tuple(span for span, _ in links), tuple(why for _, why in links)
        found.append(Denial(cue, kind, number, source, target, disputes, reasons))
        if kind == "denial":
            last[number] = found[-1]
    found.extend(_contradictions(reader, attributions, {id(a) for a, _, _ in cues}))
    found.sort(key=lambda denial: denial.cue.start)
    return tuple(found), linker.capped


class Reader:
    """Reads the keys of any stretch of the article: names, event classes, numbers and content words."""

    def __init__(self, text: str, sentences: tuple[Sentence, ...], entities: tuple[Entity, ...], lexicon):
        self.text, self.sentences, self.lexicon = text, sentences, lexicon
        self.starts = [s.start for s in sentences]
        names = sorted((e.start, e.end) for e in entities if e.label in _NAME_LABELS)
        self.name_starts, self.name_ends = [s for s, _ in names], [e for _, e in names]
        self.first_words = {m.start() for s in sentences if (m := _TOKEN.search(text, s.start, s.end))}

    def sentence_of(self, offset: int) -> int:
        return max(bisect_right(self.starts, offset) - 1, 0)

    def _in_name(self, offset: int) -> bool:
        i = bisect_right(self.name_starts, offset) - 1
        return i >= 0 and offset < self.name_ends[i]

    def _tokens(self, start: int, end: int, skips: Skips) -> list[re.Match[str]]:
        found = _TOKEN.finditer(self.text, start, end)
        return [m for m in found if not any(a <= m.start() < b for a, b in skips)] if skips else list(found)

    def keys(self, start: int, end: int, skips: Skips = ()) -> dict[str, str]:
        """Keys of `text[start:end]` outside `skips`, each with the first word it was read from."""
        found: dict[str, str] = {}
        for match in self._tokens(start, end, skips):
            word = match.group().rstrip(".")
            lower = word.lower()
            if word[:1].isdigit() or lower in _NUMBER_WORDS:
                found.setdefault("n:" + _NUMBER_WORDS.get(lower, lower.replace(",", "")), word)
                continue
            named = word[0].isupper() and (match.start() not in self.first_words or self._in_name(match.start()))
            parts = word.split("-")
            for part in [*parts, "".join(parts)] if len(parts) > 1 else parts:
                stem = _stem(part)
                if len(stem) < 3 or part.lower() in self.lexicon.ignored or stem in self.lexicon.ignored:
                    continue
                kind = self.lexicon.events.get(stem)
                if named and part[:1].isupper():
                    found.setdefault("e:" + stem[:4], part)
                if kind:
                    found.setdefault("c:" + kind, part)
                elif not named:
                    found.setdefault("w:" + stem, part)
        return found

    def negated(self, start: int, end: int, skips: Skips = ()) -> bool:
        words = [m.group().lower() for m in self._tokens(start, end, skips)]
        return any(w in self.lexicon.negations or w.endswith(("n't", "n’t")) for w in words)


def _statements(
    reader: Reader, attributions: tuple[Attribution, ...], hedges: tuple[Hedge, ...], denying: set[int]
) -> list[Statement]:
    """What denials can dispute, in text order: each sentence of some length that does not itself deny, and in
    a sentence that does, the content of each other attribution ("…, while rebels said that …")."""
    lexicon = reader.lexicon
    by_sentence: dict[int, list[Attribution]] = {}
    for a in attributions:
        # A report is said or written ("was reported", "fishermen said"), or believed by a known kind of source;
        # "the city is known for" is not.
        said = a.cue_lemma in lexicon.reporting or (a.source is not None and a.source.kind != "unattributed")
        if a.cue_lemma not in lexicon.verbs and said:
            spans = [a.cue] + ([a.content] if a.content else [])
            for i in {reader.sentence_of(s.start) for s in spans} | {reader.sentence_of(s.end - 1) for s in spans}:
                by_sentence.setdefault(i, []).append(a)
    reporting = {h.sentence for h in hedges if h.kind in _REPORTING_HEDGES}
    found = []
    for i, sentence in enumerate(reader.sentences):
        said = by_sentence.get(i, [])
        if i not in denying:
            # Who says it, and the saying, are not what it is about: "the defense official, who spoke on …".
            skips = tuple((x.start, x.end) for a in said for x in (a.source, a.cue) if x is not None)
            units = [(Span(sentence.start, sentence.end, sentence.text), said, bool(said) or i in reporting, skips)]
        else:
            units = [(a.content, [a], True, ()) for a in said if a.content is not None and a.type != "introduced"]
        for span, by, reported, skips in units:
            if len(span.text.split()) >= _MIN_CLAIM_WORDS:
                sources = tuple(a.source for a in by if a.source is not None)
                keys, negated = reader.keys(span.start, span.end, skips), reader.negated(span.start, span.end, skips)
                found.append(Statement(span, i, keys, sources, reported, negated))
    return found


class Linker:
    """Links denials to statements through an index of keys → statements (in text order)."""

    def __init__(self, reader: Reader, statements: list[Statement]):
        self.reader, self.statements = reader, statements
        self.sentence_numbers = [s.sentence for s in statements]
        self.capped = 0  # denials that read fewer candidates than there were
        self.index: dict[str, list[int]] = {}
        for number, statement in enumerate(statements):
            for key in statement.keys:
                self.index.setdefault(key, []).append(number)

    def disputed(self, before: int, denier: Source | None, target: Span | None, skip=None) -> list[Link]:
        """The statements before sentence `before` that the object `target` (less `skip`) names, best first."""
        skips = (skip,) if skip else ()
        keys = self.reader.keys(target.start, target.end, skips) if target is not None else {}
        if not keys:
            return [] if skip else self.loose(before, denier, target)
        negated = self.reader.negated(target.start, target.end, skips)
        candidates, capped = self._candidates(keys, before, denier)
        names = {k for k in keys if k.startswith("e:")}
        scored = []
        for statement in candidates:
            shared = [k for k in keys if k in statement.keys]
            if (names and not names & set(shared)) or not set(shared) - names or statement.negated != negated:
                continue
            # One key in common is enough when it is an event or number and half the object ("a secret deployment").
            if len(shared) >= 2 or len(keys) == 1 or (2 * len(shared) >= len(keys) and shared[0][0] in "cn"):
                scored.append((len(shared) / len(keys), statement, shared))
        scored = [item for item in scored if item[1].reported] or scored
        best = max((score for score, _, _ in scored), default=0)
        kept = sorted((i for i in scored if i[0] >= best * _NEAR_BEST), key=lambda i: (-i[0], i[1].span.start))
        links = [(s, _matched(keys, s, shared)) for _, s, shared in kept[:MAX_DISPUTES]]
        if not links:  # nothing earlier reports what it names: the reports just before it that share a word
            recent = self._recent(before, denier)
            shares = [(s, [k for k in keys if k in s.keys and not k.startswith("e:")]) for s in recent]
            links = [(s, f"reported just before it: {_matched(keys, s, shared)}") for s, shared in shares if shared]
        return self._noting_cap(links, capped)

    def loose(self, before: int, denier: Source | None, target: Span | None) -> list[Link]:
        """A loose object: the latest reports just before the denial, then earlier reports of the same event."""
        named = f"“{target.text}”" if target is not None else "it"
        recent = self._recent(before, denier)
        if not recent:
            end = bisect_left(self.sentence_numbers, before)
            nearest = [s for s in self.statements[end - 1 : end] if s.sentence >= before - WINDOW]
            return self._noting_cap([(s, f"the statement just before {named}") for s in nearest], False)
        links = [(s, f"reported just before {named}") for s in recent]
        queue, taken, capped = list(recent), {id(s) for s in recent}, False
        while queue and len(links) < MAX_DISPUTES:
            anchor = queue.pop(0)
            candidates, cut = self._candidates(anchor.keys, anchor.sentence, denier)
            capped |= cut
            same = []
            for statement in candidates:
                shared = [k for k in anchor.keys if k in statement.keys]
                fresh = statement.reported and id(statement) not in taken
                if fresh and len(shared) >= 2 and any(not k.startswith("e:") for k in shared):
                    same.append((len(shared), statement, shared))
            opening = " ".join(anchor.span.text.split()[:5])
            for _, statement, shared in sorted(same, key=lambda i: (-i[0], i[1].span.start))[
                : MAX_DISPUTES - len(links)
            ]:
                taken.add(id(statement))
                queue.append(statement)
                links.append((statement, f"same event as “{opening} …”: {_matched(anchor.keys, statement, shared)}"))
        return self._noting_cap(links, capped)

    def _candidates(self, keys, before: int, denier: Source | None) -> tuple[list[Statement], bool]:
        """Earlier statements sharing a key, at most `CANDIDATES_PER_KEY` per key; True if some were left."""
        numbers: set[int] = set()
        capped = False
        limit = bisect_left(self.sentence_numbers, before)
        for key in keys:
            postings = self.index.get(key, ())
            end = bisect_left(postings, limit)
            capped |= end > CANDIDATES_PER_KEY
            numbers.update(postings[max(0, end - CANDIDATES_PER_KEY) : end])
        chosen = [self.statements[n] for n in sorted(numbers)]
        return [s for s in chosen if not any(_same_source(denier, other) for other in s.sources)], capped

    def _noting_cap(self, links: list[tuple[Statement, str]], capped: bool) -> list[Link]:
        if capped:
            self.capped += 1
        if capped and links:
            statement, why = links[-1]
            links[-1] = (statement, f"{why} (only the latest {CANDIDATES_PER_KEY} statements per word were read)")
        return [(statement.span, why) for statement, why in links]

    def _recent(self, before: int, denier: Source | None) -> list[Statement]:
        """The two latest reports in the `WINDOW` sentences before a denial, not the denier's, nearest first."""
        end = bisect_left(self.sentence_numbers, before)
        start = bisect_left(self.sentence_numbers, before - WINDOW)
        recent = [s for s in self.statements[start:end] if s.reported]
        return [s for s in recent if not any(_same_source(denier, other) for other in s.sources)][-2:][::-1]


def _matched(keys: dict[str, str], statement: Statement, shared: list[str]) -> str:
    """ "buildup ~ joined, Iranian, forces ~ soldiers": each shared key as the object and the statement word it."""
    pairs = ((keys[k], statement.keys[k]) for k in shared)
    return ", ".join(dict.fromkeys(a if a.casefold() == b.casefold() else f"{a} ~ {b}" for a, b in pairs))


def _contradictions(reader: Reader, attributions: tuple[Attribution, ...], denying: set[int]) -> list[Denial]:
    """Two sources with opposing contents, in one sentence joined by a contrast or in adjacent sentences where
    the second turns on the first ("However, …", "…, however, said"). Denials and downplays take no part."""
    text, found, pairs = reader.text, [], []
    by_sentence: dict[int, list[Attribution]] = {}
    for a in attributions:
        usable = a.source is not None and a.content is not None and a.type != "introduced" and id(a) not in denying
        if usable and reader.keys(a.content.start, a.content.end):
            by_sentence.setdefault(a.sentence, []).append(a)
    for number, group in by_sentence.items():
        for first, second in pairwise(group):
            gap_start = min(first.cue.end, first.content.end, first.source.end)
            gap_end = min(second.source.start, second.cue.start)
            contrast = _CONTRAST.search(text, gap_start, gap_end) if gap_start < gap_end else None
            if contrast:
                pairs.append((first, second, contrast.start()))
        if number - 1 in by_sentence:
            first, second = by_sentence[number - 1][-1], group[0]
            lead = text[reader.sentences[number].start : min(second.cue.start, second.content.start)]
            between = text[second.source.end : second.cue.start] if second.source.end <= second.cue.start else ""
            if _CONTRAST_ACROSS.match(lead.lstrip()) or _CONTRAST_ACROSS.search(between):
                pairs.append((first, second, first.content.end))
    for first, second, cut in pairs:
        disputed, cut = first.content, min(cut, second.source.start, second.cue.start)
        if disputed.end > cut:  # the first content ran over the contrast into the second source's words
            disputed = Span.of(text, disputed.start, disputed.start + len(text[disputed.start : cut].rstrip(" ,;:—-")))
        if len(disputed.text.split()) < 2 or _same_source(first.source, second.source):
            continue
        reason = _opposition(reader, disputed, second.content)
        if reason:
            kind, number = "contradiction", second.sentence
            found.append(Denial(second.cue, kind, number, second.source, second.content, (disputed,), (reason,)))
    return found


def _opposition(reader: Reader, first: Span, second: Span) -> str | None:
    """Why the second content opposes the first, or None if nothing says it does."""
    lexicon = reader.lexicon
    if lexicon.agreeing.search(second.text):
        return None
    if reader.negated(first.start, first.end) != reader.negated(second.start, second.end):
        return "one side negates what the other says"
    words = [[m.group().lower() for m in _TOKEN.finditer(span.text)] for span in (first, second)]
    if opposing := next((w for side in words for w in side if w in lexicon.opposing), None):
        return f"“{opposing}” sets one side against the other"
    stems = [{_stem(w) for w in side} for side in words]
    if pair := next(((a, b) for a in stems[0] for b in lexicon.antonyms.get(a, ()) if b in stems[1]), None):
        return "“{}” against “{}”".format(*pair)
    keys = [reader.keys(span.start, span.end) for span in (first, second)]
    numbers = [[k for k in side if k.startswith("n:")] for side in keys]
    topic = set(keys[0]) & set(keys[1]) - set(numbers[0])
    if numbers[0] and numbers[1] and not set(numbers[0]) & set(numbers[1]) and topic:
        said = [", ".join(side[n] for n in ns) for side, ns in zip(keys, numbers, strict=True)]
        return f"different numbers: {said[0]} against {said[1]}"
    return None


def _same_source(a: Source | None, b: Source | None) -> bool:
    """One source twice: the same name, or a description and a longer one with its head ("the army", "the
    Ostrian army")."""
    if a is None or b is None:
        return False
    x, y = (_who(source).split() for source in (a, b))
    return x == y or (bool(x) and bool(y) and x[-1] == y[-1] and (set(x) <= set(y) or set(y) <= set(x)))


def _who(source: Source) -> str:
    name = (source.name or source.text.split(",")[0]).casefold()
    return name.removeprefix("the ").removeprefix("a ")
