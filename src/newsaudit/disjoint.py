"""`DisjointSets`: union-find over hashable nodes (path halving), the one kept by every part of newsaudit that
joins things transitively: stories of FNC-1 pairs, reuse families, copy families and origins in a story."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

Node = TypeVar("Node", bound=Hashable)


class DisjointSets(Generic[Node]):
    """Nodes in sets joined by `union`. A node never joined nor given at the start is alone: `find` gives it
    back without storing it, so `groups` holds only the nodes given or joined.

    >>> sets = DisjointSets(["a", "b", "c"])
    >>> sets.union("a", "b")
    True
    >>> sets.find("a") == sets.find("b") != sets.find("c")
    True
    """

    def __init__(self, nodes: Iterable[Node] = ()) -> None:
        self.parent: dict[Node, Node] = {node: node for node in nodes}

    def find(self, node: Node) -> Node:
        """The node that stands for `node`'s set."""
        parent = self.parent
        while (up := parent.get(node, node)) != node:
            parent[node] = node = parent.get(up, up)  # path halving: point at the grandparent, go there
        return node

    def union(self, a: Node, b: Node) -> bool:
        """Join the sets of `a` and `b` (`b`'s representative stands for both); False when they were one."""
        root_a, root_b = self.find(a), self.find(b)
        self.parent.setdefault(root_b, root_b)
        if root_a == root_b:
            return False
        self.parent[root_a] = root_b
        return True

    def groups(self) -> dict[Node, list[Node]]:
        """Representative → the nodes of its set (given or joined ones only), in the order they came in."""
        found: dict[Node, list[Node]] = {}
        for node in list(self.parent):
            found.setdefault(self.find(node), []).append(node)
        return found
