"""newsaudit: what does this article claim, on whose word, how hedged, copied from where, how far to trust it.

>>> from newsaudit import audit
>>> result = audit(html_or_text, url="https://example.org/story")  # doctest: +SKIP
>>> result.to_dict()["article"]["title"]  # doctest: +SKIP
"""

from newsaudit._compat import install as _install_old_import_paths
from newsaudit._version import __version__
from newsaudit.auditor import Auditor, audit
from newsaudit.errors import (
    BinaryInputError,
    CorpusError,
    EmptyInputError,
    FactCheckError,
    InputError,
    InputTooLargeError,
    ModelNotFoundError,
    NewsauditError,
    NoArticleError,
    SettingsError,
    SourceStoreError,
    StoreError,
    UnsupportedFormatError,
)
from newsaudit.ingest import FieldMap, RawDocument, ReadFailure, read
from newsaudit.render.html import render_html
from newsaudit.schema import (
    SCHEMA_VERSION,
    Article,
    Audit,
    AuditError,
    Claim,
    Credibility,
    Entity,
    RemovedChrome,
    Sentence,
    Signal,
    Span,
    Stance,
)
from newsaudit.settings import Settings
from newsaudit.stores.corpus import Corpus
from newsaudit.stores.factchecks import FactCheck, FactCheckStore
from newsaudit.stores.sources import SourceStore

_install_old_import_paths()


def stance(claim: str, text: str) -> dict:
    """How `text` stands towards `claim` (agree, disagree, discuss, unrelated), with probabilities: the
    headline ↔ body model, usable for any pair, e.g. a claim in one article against another article.

    >>> stance("The bridge closed on Monday.", "Officials said the bridge closed on Monday.")["label"]  # doctest: +SKIP
    'agree'
    """
    from newsaudit.models.stance import StanceModel

    return StanceModel.default().predict(claim, text)


__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Audit",
    "AuditError",
    "Auditor",
    "BinaryInputError",
    "Claim",
    "Corpus",
    "CorpusError",
    "Credibility",
    "EmptyInputError",
    "Entity",
    "FactCheck",
    "FactCheckError",
    "FactCheckStore",
    "FieldMap",
    "InputError",
    "InputTooLargeError",
    "ModelNotFoundError",
    "NewsauditError",
    "NoArticleError",
    "RawDocument",
    "ReadFailure",
    "RemovedChrome",
    "Sentence",
    "Settings",
    "SettingsError",
    "Signal",
    "SourceStore",
    "SourceStoreError",
    "Span",
    "Stance",
    "StoreError",
    "UnsupportedFormatError",
    "__version__",
    "audit",
    "read",
    "render_html",
    "stance",
]
