"""The `Auditor`: settings, the loaded pipeline and the stages, turning raw documents into `Audit`s.

Every interface (CLI, HTTP, batch) goes through here; how many batches run where is a runner's business
(`newsaudit.runners`). The Auditor only reads, extracts and parses, then resolves the stages, runs them in
order, times them and records a stage's failure once. One article's failure never stops the others: a
document that cannot be read or extracted becomes an `Audit` whose `errors` say why, and a stage that fails
on one article records the error and lets the remaining stages run (a later stage that needs what it would
have written is skipped, with a warning that names it). A document that runs past `Settings.time_limit`
ends with a `time_limit` error (see `newsaudit.runners.limits`), keeping what its finished stages found.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from typing import Any

from newsaudit.errors import InputError, NewsauditError, SettingsError
from newsaudit.ingest import RawDocument, ReadFailure, article_id, domain_of, extract_article, sniff_format
from newsaudit.ingest.extract import without_surrogates
from newsaudit.nlp import CHUNK_CHARS, LanguageGuesser, load_pipeline, load_sentencizer, parse
from newsaudit.runners.limits import TimeLimitExceeded, within
from newsaudit.runners.local import run_local
from newsaudit.schema import Article, Audit, AuditError, assemble
from newsaudit.settings import Settings
from newsaudit.stages import DEFAULT_STAGES, Context, Stage, resolve
from newsaudit.stages.registry import WARNINGS
from newsaudit.stores import Stores

log = logging.getLogger(__name__)

Item = RawDocument | ReadFailure | Article


class Auditor:
    """Holds the settings, the loaded pipeline and the stages; audits articles one by one or in batches.

    >>> auditor = Auditor(workers=1)
    >>> audit = auditor.audit("A fictional headline\\n\\nThe mayor of Exampleton said on Monday that ...")
    >>> audit.article.title
    'A fictional headline'
    """

    def __init__(self, settings: Settings | None = None, *, stages: Sequence[str] | None = None, **overrides: Any):
        base = settings if settings is not None else Settings.load()
        self.settings = base.replace(**{k: v for k, v in overrides.items() if v is not None}) if overrides else base
        self.stages: tuple[Stage, ...] = resolve(DEFAULT_STAGES if stages is None else stages)
        self.stores = Stores.from_settings(self.settings)
        self._guess_language = LanguageGuesser()

    @property
    def nlp(self):
        """The spaCy pipeline, loaded on first use and shared by every Auditor in the process."""
        return load_pipeline(self.settings.model, self.settings.lemmatize)

    # -- one article -------------------------------------------------------------------------------------

    def audit(
        self,
        source: str | bytes | Article | RawDocument,
        *,
        url: str | None = None,
        title: str | None = None,
        format: str | None = None,
    ) -> Audit:
        """Audit one article given as HTML or plain text (str or bytes), a `RawDocument` or an `Article`.

        Plain text is read like a text file: a first line that reads like a headline becomes the title,
        unless `title` is given. Problems with the input are recorded in `Audit.errors`, not raised.
        """
        item: Item
        if isinstance(source, (Article, RawDocument)):
            item = source
        else:
            item = self._raw_from_value(source, url=url, title=title, format=format)
        return self.audit_batch([item])[0]

    def _raw_from_value(self, value: str | bytes, *, url: str | None, title: str | None, format: str | None) -> Item:
        from newsaudit.ingest.readers.decode import decode

        try:
            text = decode(value, max_bytes=self.settings.max_bytes) if isinstance(value, bytes) else value
        except InputError as error:
            return ReadFailure("<value>", error)
        if format is None:
            format = sniff_format(text[:8192].encode("utf-8", errors="replace"))
        kind = "html" if format == "html" else "text"
        fields = {key: value for key, value in (("url", url), ("title", title)) if value}
        return RawDocument(text, kind, "<value>", kind, fields, titled=kind == "text" and title is None)

    def story(self, story_id: int) -> Audit:
        """The audit of a story's first report (the settings' corpus), whose `story` is the story: its members
        and roles, origins, and the first report's claims carried and denied across it (`newsaudit story`)."""
        from newsaudit.errors import CorpusError
        from newsaudit.stages.story import story_families

        corpus = self.stores.open_corpus()
        if corpus is None:
            raise SettingsError("a story needs a corpus store (--corpus)")
        resolved = corpus.resolve_story(story_id)
        if resolved is None:
            raise CorpusError(f"no story {story_id} in {corpus.location}")
        first = story_families(corpus, resolved, self.stores.owner_list()).first_report
        article = corpus.get(first) if first else None
        if article is None:
            raise CorpusError(f"story {story_id} in {corpus.location} has no stored article")
        return self.audit(article)

    # -- many articles -------------------------------------------------------------------------------------

    def audit_many(self, items: Iterable[Item], *, workers: int | None = None) -> Iterator[Audit]:
        """Audit a stream of documents in input order, in worker processes when `workers` > 1.

        `workers` defaults to the settings (0 = one per core). Input is consumed lazily, with a bounded
        number of batches in flight, so a corpus of millions streams through in constant memory.
        """
        yield from run_local(self, items, self._worker_count(workers))

    def _worker_count(self, workers: int | None) -> int:
        workers = self.settings.workers if workers is None else workers
        if workers == 0:
            workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return max(1, workers)

    def audit_batch(self, items: Sequence[Item]) -> list[Audit]:
        """Audit one batch of documents in this process, in input order: one `Audit` per item.

        numpy's BLAS is held to one thread meanwhile (as in the local runner's workers): the stages' matrix
        products are small, and a thread per core only contends with the parse and with other processes (a
        10 kB text's attribution stage took 0.19 s instead of 0.04 s on two busy cores)."""
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return self._audit_batch(items)

    def _audit_batch(self, items: Sequence[Item]) -> list[Audit]:
        results: list[Audit | None] = [None] * len(items)
        pending: list[_Pending] = []
        # Load the models now, so that no article's timings include loading them.
        language = self.nlp.lang
        if self.settings.detect_language:
            self._guess_language.load()
        for index, item in enumerate(items):
            started = time.perf_counter()
            if isinstance(item, ReadFailure):
                results[index] = failure_audit(item)
                continue
            timings = {"extract": 0.0}
            current = None
            try:
                with self._limit(timings):
                    article = (
                        without_surrogates(item)
                        if isinstance(item, Article)
                        else extract_article(
                            item,
                            remove_chrome=self.settings.remove_chrome,
                            min_text_chars=self.settings.min_text_chars,
                            extraction=self.settings.extraction,
                        )
                    )
                    current = _Pending(index, article, True, [], timings)
                    if self.settings.detect_language and article.language is None:
                        self._check_language(current, language)
            except InputError as error:
                results[index] = failure_audit(ReadFailure(item.source, error, item.fields.get("id")), item)
                continue
            except TimeLimitExceeded:
                timings["extract"] = time.perf_counter() - started
                results[index] = self._out_of_time(item, current, timings)
                continue
            except Exception as error:  # an extractor bug must not take the batch down
                log.exception("extraction crashed on %s", item.source)
                failure = ReadFailure(item.source, InputError(f"extraction failed: {error!r}"), item.fields.get("id"))
                results[index] = failure_audit(failure, item)
                continue
            current.timings["extract"] = time.perf_counter() - started
            pending.append(current)

        self._parse(pending)
        for current in pending:
            results[current.index] = self._run_stages(current)
        return [result for result in results if result is not None]

    def _check_language(self, current: _Pending, pipeline_language: str) -> None:
        language = self._guess_language(current.article.text)
        current.article = replace(current.article, language=language)
        if language is not None and language != pipeline_language:
            current.english = False
            current.errors.append(
                AuditError(
                    "nlp",
                    "unsupported_language",
                    f"the article looks {language!r}, not {pipeline_language!r}: only sentences were split; "
                    "stages that need the pipeline's language were skipped",
                    "warning",
                )
            )

    def _parse(self, pending: list[_Pending]) -> None:
        """Parse every article: the pipeline's language with the pipeline, others with the sentencizer.

        Under a time limit a text long enough to be parsed in chunks is parsed alone, so that running out of
        time stops only its own document; the others are parsed together, and if even that runs out of
        time, the ones not parsed yet are parsed one by one, each in its own time.
        """
        for english in (True, False):
            group = [current for current in pending if current.english is english]
            if not group:
                continue
            nlp = self.nlp if english else load_sentencizer()
            limited = self.settings.time_limit > 0
            together = [current for current in group if not limited or len(current.article.text) <= CHUNK_CHARS]
            if together:
                self._parse_together(nlp, together)
            for current in group:
                if current.doc is None and not current.stopped:
                    self._parse_alone(nlp, current)

    def _parse_together(self, nlp, group: list[_Pending]) -> None:
        texts = [current.article.text for current in group]
        docs: list[Any] = []
        started = time.perf_counter()
        try:
            with self._limit(*(current.timings for current in group)):
                for doc in parse(nlp, texts, self.settings.batch_size):
                    docs.append(doc)
        except TimeLimitExceeded:
            log.warning(
                "batch parse ran out of time after %d of %d texts; parsing the rest one by one", len(docs), len(texts)
            )
        except Exception:  # one text that breaks the parser must not fail its whole batch
            log.exception("batch parse failed; parsing one by one")
            docs = []
        elapsed = time.perf_counter() - started
        total_chars = sum(len(text) for text in texts) or 1
        for current, doc in zip(group, docs, strict=False):
            current.doc = doc
        for current in group:
            # The batch is timed as a whole; each article is charged its share by length.
            current.timings["nlp"] = elapsed * len(current.article.text) / total_chars

    def _parse_alone(self, nlp, current: _Pending) -> None:
        started = time.perf_counter()
        try:
            with self._limit(current.timings):
                current.doc = next(parse(nlp, [current.article.text]))
        except TimeLimitExceeded:
            current.stopped = True
            current.errors.append(self._time_error("nlp"))
        except Exception:
            log.exception("parse failed")
        current.timings["nlp"] = current.timings.get("nlp", 0.0) + time.perf_counter() - started

    # -- the time limit -------------------------------------------------------------------------------------

    def _limit(self, *timings: dict[str, float]) -> AbstractContextManager[None]:
        """A guard for work on the documents whose `timings` are given: the time the one that has spent most
        has left (no guard without a limit)."""
        limit = self.settings.time_limit
        if limit <= 0:
            return nullcontext()
        return within(min(limit - sum(spent.values()) for spent in timings))

    def _time_error(self, stage: str, skipped: Sequence[str] = ()) -> AuditError:
        later = f"; not run: {', '.join(skipped)}" if skipped else ""
        return AuditError(
            stage,
            "time_limit",
            f"stopped in {stage}: the document took longer than the time limit of {self.settings.time_limit:g} s"
            f" (setting time_limit){later}",
        )

    def _out_of_time(self, item: RawDocument | Article, current: _Pending | None, timings: dict) -> Audit:
        """The audit of a document that ran out of time in extraction: its article if it got that far."""
        error = self._time_error("extract")
        timings["total"] = sum(timings.values())
        if current is not None:
            return Audit(article=current.article, errors=(*current.errors, error), timings=timings)
        failed = failure_audit(ReadFailure(item.source, InputError("out of time"), item.fields.get("id")), item)
        return replace(failed, errors=(error,), timings=timings)

    def _run_stages(self, current: _Pending) -> Audit:
        article, errors, timings = current.article, current.errors, current.timings
        findings: dict[str, Any] = {}
        if current.stopped:
            pass  # out of time while parsing: its error is recorded
        elif current.doc is None:
            errors.append(AuditError("nlp", "nlp_failed", "the NLP pipeline failed on this article"))
        else:
            failed: list[str] = []
            for number, step in enumerate(self.stages):
                missing = [need for need in step.requires if need not in findings]
                if missing:
                    # An earlier stage failed (its error is recorded): this one has nothing to work on.
                    errors.append(
                        AuditError(
                            step.name,
                            "stage_skipped",
                            f"skipped: needs {', '.join(missing)}, not given after stage {', '.join(failed)} failed",
                            "warning",
                        )
                    )
                    continue
                started = time.perf_counter()
                try:
                    with self._limit(timings):
                        found = step(Context(article, current.doc, findings, current.english, self.stores))
                    errors.extend(
                        AuditError(step.name, warning.code, warning.message, "warning")
                        for warning in found.pop(WARNINGS, ())
                    )
                    findings.update(found)
                except TimeLimitExceeded:
                    timings[step.name] = time.perf_counter() - started
                    errors.append(self._time_error(step.name, [later.name for later in self.stages[number + 1 :]]))
                    break
                except NewsauditError as error:
                    failed.append(step.name)
                    errors.append(AuditError(step.name, error.code, str(error)))
                except Exception as error:
                    failed.append(step.name)
                    log.exception("stage %s failed on %s", step.name, article.id)
                    errors.append(AuditError(step.name, "stage_failed", f"{type(error).__name__}: {error}"))
                timings[step.name] = time.perf_counter() - started
        timings["total"] = sum(timings.values())
        return assemble(article, findings, tuple(errors), timings)


@dataclass(slots=True)
class _Pending:
    """An article between extraction and its audit."""

    index: int
    article: Article
    english: bool
    errors: list[AuditError]
    timings: dict[str, float]
    doc: Any = None
    #: Ran out of time before its stages (its `time_limit` error is recorded).
    stopped: bool = False


def failure_audit(failure: ReadFailure, raw: RawDocument | None = None) -> Audit:
    """The audit of a document that could not be read: an empty article that says where it came from."""
    fields = raw.fields if raw is not None else {}
    url = fields.get("url")
    article = Article(
        id=failure.id or fields.get("id") or article_id(url, failure.source),
        text="",
        url=url,
        domain=fields.get("domain") or domain_of(url),
        title=fields.get("title"),
        source=failure.source,
        format=raw.format if raw is not None else None,
    )
    return Audit(article=article, errors=(AuditError("read", failure.error.code, str(failure.error)),))


def audit(
    source: str | bytes | Article | RawDocument,
    *,
    url: str | None = None,
    title: str | None = None,
    settings: Settings | None = None,
    **overrides: Any,
) -> Audit:
    """Audit one article (HTML or text) with a default `Auditor`: `audit(html, url=...)`."""
    return _default_auditor(settings, **overrides).audit(source, url=url, title=title)


_AUDITORS: dict[Settings, Auditor] = {}


def _default_auditor(settings: Settings | None, **overrides: Any) -> Auditor:
    settings = (settings or Settings.load()).replace(**{k: v for k, v in overrides.items() if v is not None})
    if settings not in _AUDITORS:
        _AUDITORS[settings] = Auditor(settings)
    return _AUDITORS[settings]
