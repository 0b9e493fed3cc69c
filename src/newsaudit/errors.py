"""The exceptions newsaudit raises, all under one base so callers can catch them together::

    NewsauditError
    ├── InputError              the input cannot be read as an article (the user's data, not a bug)
    │   ├── EmptyInputError         nothing there, or only white space
    │   ├── BinaryInputError        not text at all (an image, an archive, random bytes)
    │   ├── InputTooLargeError      over the configured size limit
    │   ├── NoArticleError          readable, but no article body could be found in it
    │   └── UnsupportedFormatError  a format that no reader handles
    ├── SettingsError           a setting has a wrong value
    ├── ModelNotFoundError      a spaCy pipeline that is not installed
    └── StoreError              a store cannot be opened, read or written
        ├── CorpusError             the corpus store (articles and reuse index)
        ├── FactCheckError          the fact-check store
        └── SourceStoreError        the source-reputation store

Each error has a stable `code` (used in `Audit.errors` and in JSON output) and a one-line message meant for
a person: the CLI prints it instead of a traceback.
"""

from __future__ import annotations


class NewsauditError(Exception):
    code = "newsaudit_error"


class InputError(NewsauditError):
    code = "bad_input"


class EmptyInputError(InputError):
    code = "empty_input"


class BinaryInputError(InputError):
    code = "binary_input"


class InputTooLargeError(InputError):
    code = "input_too_large"


class NoArticleError(InputError):
    code = "no_article"


class UnsupportedFormatError(InputError):
    code = "unsupported_format"


class SettingsError(NewsauditError):
    code = "bad_settings"


class BatchError(NewsauditError):
    """A batch that cannot start or go on: an output folder of another run, a plan whose inputs changed."""

    code = "batch"


class WorkerLostError(InputError):
    """A record whose audit stopped the worker processes that tried it (a crash, or running out of memory)."""

    code = "worker_lost"


class ModelNotFoundError(NewsauditError):
    code = "model_not_found"


class StoreError(NewsauditError):
    code = "store_error"


class CorpusError(StoreError):
    code = "corpus_store"


class FactCheckError(StoreError):
    code = "factcheck_store"


class SourceStoreError(StoreError):
    code = "source_store"
