"""Inside a story: copy families, independent origins, the first report and each article's role.

Pure functions over the members (`Member`s of the corpus, plus the audited article when it is not stored) and
the verified text reuse between them:

- a **copy family** is a set of members joined (transitively) by reuse covering at least `COPY_SHARE` of one of
  the two texts; its earliest member (by `published`; undated members after dated ones, then by when newsaudit
  first saw them) is the family's original, the others are its copies;
- **origins** are copy families joined when their outlets have one owner: the same registrable domain
  (`www.example.com` and `example.com`) or the same owner in the list the user loaded (`owners`:
  domain → owner); ten reprints of one wire story are one origin, not ten;
- the **first report** is the earliest dated member; when some members have no date the note says the first
  report is the earliest *dated* one, and when none has a date, the one newsaudit saw first;
- **roles**: `original` (the earliest of a family of two or more, or the first report), `copy`, `follow-up`
  (an independent article after the first report); `rebuttal` is given by the claims step (a follow-up that
  denies the story's claims).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsaudit.disjoint import DisjointSets
from newsaudit.stores.corpus.matches import date_key
from newsaudit.stores.corpus.story_reads import COPY_SHARE as STORE_COPY_SHARE

#: Reuse covering at least this share of one text makes the two one copy family (as `uncredited_copying`).
COPY_SHARE = STORE_COPY_SHARE
_PREFIXES = ("www.", "m.", "amp.", "mobile.", "edition.")


@dataclass(frozen=True, slots=True)
class Node:
    """A member as the family step sees it."""

    id: str
    domain: str | None
    published: str | None
    seen: str | None
    order: int


@dataclass(frozen=True, slots=True)
class Edge:
    a: str
    b: str
    share_a: float
    share_b: float


@dataclass(frozen=True, slots=True)
class Families:
    """Per member id: its family root, origin number, role and (for copies) the member copied and the share."""

    origin: dict[str, int]
    role: dict[str, str]
    copies: dict[str, tuple[str, float]]
    first_report: str | None
    undated: int
    origins: int
    note: str


def owner_key(domain: str | None, owners: Mapping[str, str]) -> str | None:
    """Who owns an outlet: the owner list's entry for the domain (or a parent domain), else the domain itself
    without `www.` and the like."""
    if not domain:
        return None
    host = domain.lower().strip(".")
    for prefix in _PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
    parts = host.split(".")
    for start in range(len(parts) - 1):
        owner = owners.get(".".join(parts[start:]))
        if owner:
            return "owner:" + owner.strip().lower()
    return "domain:" + host


def chronological(node: Node) -> tuple:
    """Earliest published first, undated after dated, then by when newsaudit first saw it, then input order."""
    return (date_key(node.published), node.seen or "~", node.order)


def families(nodes: Sequence[Node], edges: Sequence[Edge], owners: Mapping[str, str] | None = None) -> Families:
    owners = owners or {}
    copied = DisjointSets(node.id for node in nodes)
    find = copied.find
    known = set(copied.parent)
    strong = [e for e in edges if e.a in known and e.b in known and max(e.share_a, e.share_b) >= COPY_SHARE]
    for edge in strong:
        copied.union(edge.a, edge.b)
    ordered = sorted(nodes, key=chronological)
    rank = {node.id: index for index, node in enumerate(ordered)}
    family_of = {node.id: find(node.id) for node in nodes}
    sizes: dict[str, int] = {}
    for root in family_of.values():
        sizes[root] = sizes.get(root, 0) + 1
    earliest: dict[str, str] = {}
    for node in ordered:
        earliest.setdefault(family_of[node.id], node.id)
    # Origins: families joined by owner.
    joined = DisjointSets(sizes)
    find_origin = joined.find

    by_owner: dict[str, str] = {}
    for node in ordered:
        owner = owner_key(node.domain, owners)
        if owner is None:
            continue
        root = family_of[node.id]
        if owner in by_owner:
            joined.union(root, by_owner[owner])
        else:
            by_owner[owner] = root
    numbers: dict[str, int] = {}
    origin: dict[str, int] = {}
    for node in ordered:
        origin[node.id] = numbers.setdefault(find_origin(family_of[node.id]), len(numbers))
    dated = [node for node in ordered if date_key(node.published)[0] == 0]
    undated = len(nodes) - len(dated)
    first = (dated or ordered or [None])[0]
    first_id = first.id if first is not None else None
    if not nodes:
        note = ""
    elif not dated:
        note = "no article of this story has a date: the first report is the one newsaudit saw first"
    elif undated:
        note = f"{undated} of {len(nodes)} articles have no date: the first report is the earliest dated one"
    else:
        note = ""
    copies: dict[str, tuple[str, float]] = {}
    shares: dict[tuple[str, str], float] = {}
    for edge in strong:
        shares[(edge.a, edge.b)] = edge.share_a
        shares[(edge.b, edge.a)] = edge.share_b
    role: dict[str, str] = {}
    for node in ordered:
        root = family_of[node.id]
        if sizes[root] > 1 and earliest[root] != node.id:
            before = [
                (other, share) for (a, other), share in shares.items() if a == node.id and rank[other] < rank[node.id]
            ]
            # What it copies: its family's original (through reprints of reprints too), with the share of its
            # text found there (or, when that pair was not aligned, in the member it shares most with).
            source = earliest[root]
            share = shares.get((node.id, source), max((share for _, share in before), default=0.0))
            copies[node.id] = (source, round(share, 4))
            role[node.id] = "copy"
        elif node.id == first_id or sizes[root] > 1:
            role[node.id] = "original"
        else:
            role[node.id] = "follow-up"
    return Families(origin, role, copies, first_id, undated, len(numbers), note)
