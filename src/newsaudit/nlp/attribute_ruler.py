"""A faster matcher for spaCy's attribute ruler, with exactly the same result.

The attribute ruler (tag → part of speech, plus lemma and morphology exceptions) costs about a tenth of the
whole parse in `en_core_web_sm`, almost all of it in spaCy's general `Matcher`. Nearly all of its rules are
one token with plain equality tests on TAG, LOWER, DEP or IS_SPACE: those are answered here by dictionary
look-ups; the few others (several tokens, `IN`, `REGEX`) still go through a `Matcher` of their own. The
matches are then ordered and applied exactly as `AttributeRuler.match` and `set_annotations` do (without a
`Span` per match), so later rules keep their precedence. `tests/unit/nlp/test_nlp.py` checks token for token that
the result is unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

_SIMPLE_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")


def install(nlp) -> bool:
    """Give the pipeline's attribute ruler the fast matcher; False when there is none or its rules are of a
    kind this does not handle (then nothing changes)."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    if not hasattr(ruler, "patterns") or not hasattr(ruler, "match"):
        return False
    from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
    from spacy.matcher import Matcher

    columns = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
    array_attrs = [TAG, LOWER, DEP, IS_SPACE]

    def as_id(name: str, value: Any) -> int:
        # Token attributes come out of `Doc.to_array` as string hashes (and 0/1 for IS_SPACE).
        return int(value) if name == "IS_SPACE" else nlp.vocab.strings.add(value)

    simple: dict[tuple[str, ...], dict[tuple[Any, ...], list[int]]] = defaultdict(lambda: defaultdict(list))
    complex_matcher = Matcher(nlp.vocab, validate=False)
    rule_keys: dict[int, int] = {}
    for rule_number, rule in enumerate(ruler.patterns):
        key = str(rule_number)
        rule_keys[rule_number] = nlp.vocab.strings.add(key)
        for pattern in rule["patterns"]:
            if len(pattern) == 1 and all(
                name in _SIMPLE_KEYS and not isinstance(value, dict) for name, value in pattern[0].items()
            ):
                names = tuple(sorted(pattern[0]))
                simple[names][tuple(as_id(name, pattern[0][name]) for name in names)].append(rule_number)
            else:
                complex_matcher.add(key, [pattern])
    if ruler.patterns and len(rule_keys) != len(ruler.matcher):
        return False  # the ruler holds rules that are not in `patterns`: leave it alone

    lookups = [([columns[name] for name in names], dict(table)) for names, table in simple.items()]

    def match(doc) -> list[tuple[int, int, int, int]]:
        matches = []
        rows = doc.to_array(array_attrs).tolist() if len(doc) else []
        for position, row in enumerate(rows):
            for wanted, table in lookups:
                rules = table.get(tuple(row[column] for column in wanted))
                if rules:
                    for rule_number in rules:
                        matches.append((rule_number, rule_keys[rule_number], position, position + 1))
        for match_id, start, end in complex_matcher(doc, allow_missing=True, as_spans=False):
            matches.append((int(nlp.vocab.strings[match_id]), match_id, start, end))
        matches.sort()
        return matches

    from spacy.pipeline.attributeruler import set_token_attrs

    attrs, indices = ruler.attrs, ruler.indices

    def set_annotations(doc, matches) -> None:
        # As AttributeRuler.set_annotations, without building a Span for every match.
        for rule_number, _, start, end in matches:
            index = indices[rule_number]
            position = (start + index) if index >= 0 else (end + index)
            if not start <= position < end:
                raise ValueError(f"attribute ruler rule {rule_number}: index {index} is outside its match")
            set_token_attrs(doc[position], attrs[rule_number])

    ruler.match = match
    ruler.set_annotations = set_annotations
    return True
