"""The passes over all of a Doc's attributions once the rules have found them: a direct quotation goes whole
to the attribution that introduces it (`extend_to_quotations`), and a cue inside another attribution's source,
or nested in its content with no source of its own, is dropped (`drop_fragments`).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace

from newsaudit.nlp import quotation_spans
from newsaudit.schema import Attribution, Span
from newsaudit.stages.attribution.lexicon import Lexicon
from newsaudit.stages.attribution.spans import overlap


def extend_to_quotations(text: str, found: list[Attribution]) -> list[Attribution]:
    """A direct quotation belongs whole to the attribution that introduces it, also where the parse gave
    the cue only the quotation's first sentence."""
    quotes = quotation_spans(text)
    extended = []
    for attribution in found:
        content = attribution.content
        cue = attribution.cue
        if attribution.type == "introduced":
            extended.append(attribution)
            continue
        for start, end in quotes:
            touches_content = content is not None and start < content.end and content.start < end
            next_to_cue = 0 <= cue.start - end <= 4 or 0 <= start - cue.end <= 4
            if (touches_content or next_to_cue) and not (start <= cue.start < end):
                new_start = min(start, content.start) if content is not None else start
                new_end = max(end, content.end) if content is not None else end
                content = Span.of(text, new_start, new_end)
        if content is not attribution.content:
            attribution = replace(attribution, type="direct", content=content)
        extended.append(attribution)
    return extended


def drop_fragments(found: list[Attribution], text: str, lexicon: Lexicon) -> list[Attribution]:
    """Drop cues that sit inside another attribution's source ("the official, who spoke … to discuss …") and
    cues nested inside another attribution's content with no source or the same source: they add nothing a
    reader can use. Each cue is checked against the spans that can overlap it (`_Spans`), not against every
    other attribution, so a document of thousands of attributions costs linear time, not quadratic."""
    sources = _Spans([(i, other.source) for i, other in enumerate(found)])
    contents = _Spans([(i, other.content) for i, other in enumerate(found) if other.type != "introduced"])
    kept = []
    for number, attribution in enumerate(found):
        # A cue inside another's source phrase is kept only as a statement of its own ("…, who notes that …"),
        # not without a source or as an infinitive of purpose ("who spoke on condition of anonymity to discuss").
        in_source = any(
            attribution.source is None
            or attribution.source == found[i].source
            or attribution.cue.text.lower().startswith("to ")
            or _in_anonymity_phrase(text, attribution.cue, lexicon)
            for i in sources.overlapping(attribution.cue, number)
        )
        # Nested without a source of its own, or with the very same source ("purported to show"): a fragment.
        nested_fragment = any(
            attribution.source is None or attribution.source == found[i].source
            for i in contents.overlapping(attribution.cue, number)
        )
        if not in_source and not nested_fragment:
            kept.append(attribution)
    return kept


class _Spans:
    """Spans sorted by start, for the ones overlapping a query span: those starting before its end and no
    earlier than its start minus the longest span."""

    def __init__(self, spans: list[tuple[int, Span | None]]) -> None:
        present = sorted((span.start, i, span) for i, span in spans if span is not None)
        self.starts = [start for start, _, _ in present]
        self.entries = [(i, span) for _, i, span in present]
        self.longest = max((span.end - span.start for _, _, span in present), default=0)

    def overlapping(self, query: Span, skip: int) -> list[int]:
        """Indexes (into the attributions) of the spans overlapping `query`, leaving out attribution `skip`."""
        low = bisect_left(self.starts, query.start - self.longest)
        high = bisect_left(self.starts, query.end)
        return [i for i, span in self.entries[low:high] if i != skip and overlap(query, span)]


def _in_anonymity_phrase(text: str, cue: Span, lexicon: Lexicon) -> bool:
    """ "who asked not to be named", "who spoke on condition of anonymity": how a source is described."""
    window = text[max(0, cue.start - 12) : cue.end + 40].lower()
    return any(phrase in window for phrase in lexicon.anonymity) or "not to be named" in window
