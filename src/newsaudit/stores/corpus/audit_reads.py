"""What a `Corpus` answers about its stored audits (`newsaudit.stores.corpus.audit_tables`): the audit of an
article, searches over audited articles and their claims, and the facet counts kept at write time."""

from __future__ import annotations

from typing import Any

from newsaudit.stores.corpus.audit_tables import AuditTables, Filters, StoredAudit, StoredClaim


class AuditReads:
    """Mixed into `Corpus`; `_db` and `_audits` are the corpus's."""

    _audits: AuditTables
    _db: Any

    def audit_of(self, article_id: str) -> dict[str, Any] | None:
        """The stored audit JSON of `article_id` (None when it was stored without one)."""
        row = self._db.execute("SELECT n FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else self._audits.get(row[0])

    def search(self, filters: Filters | None = None, limit: int = 20, cursor: int | None = None) -> list[StoredAudit]:
        """Audited articles matching `filters` (every word of `filters.q` in the title or text), newest
        stored first; `cursor`: the `n` of the last one of the page before."""
        return self._audits.search(filters or Filters(), limit, cursor)

    def search_claims(self, q: str | None = None, limit: int = 20, cursor: int | None = None) -> list[StoredClaim]:
        """Claims of the stored audits with every word of `q`, newest first; `cursor`: the last claim's id."""
        return self._audits.claims(q, limit, cursor)

    def facets(self, domain: str | None = None, limit: int = 20) -> dict[str, list[tuple[str, int, float | None]]]:
        """Facet counts of the stored audits, corpus-wide or for one `domain`: facet → `(value, count, mean
        score)`; `facets()["all"]` holds the total."""
        return self._audits.facets(f"domain:{domain}" if domain else "", limit)
