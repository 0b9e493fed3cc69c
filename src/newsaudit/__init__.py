"""newsaudit: what does this article claim, on whose word, how hedged, copied from where, how far to trust it.

>>> from newsaudit import audit
>>> result = audit(html_or_text, url="https://example.org/story")  # doctest: +SKIP
>>> result.to_dict()["article"]["title"]  # doctest: +SKIP
"""

from newsaudit._version import __version__
from newsaudit.errors import (
    BinaryInputError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    ModelNotFoundError,
    NewsauditError,
    NoArticleError,
    SettingsError,
    UnsupportedFormatError,
)
from newsaudit.model import SCHEMA_VERSION, Article, Audit, AuditError, Entity, RemovedChrome, Sentence, Span
from newsaudit.pipeline import Auditor, audit
from newsaudit.readers import FieldMap, RawDocument, ReadFailure, read
from newsaudit.settings import Settings

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Audit",
    "AuditError",
    "Auditor",
    "BinaryInputError",
    "EmptyInputError",
    "Entity",
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
    "Span",
    "UnsupportedFormatError",
    "__version__",
    "audit",
    "read",
]
