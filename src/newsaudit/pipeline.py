"""The `Auditor`: loaded models plus the stages, turning raw documents into `Audit`s, one or millions.

Every interface (CLI, HTTP, batch) goes through here. One article's failure never stops the others: a
document that cannot be read or extracted becomes an `Audit` whose `errors` say why, and a stage that fails
on one article records the error and lets the remaining stages run.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain, islice
from typing import Any

from newsaudit.credibility import CredibilityModel
from newsaudit.errors import InputError, NewsauditError
from newsaudit.extract import article_id, domain_of, extract_article
from newsaudit.factchecks import attach_factchecks, open_store
from newsaudit.model import Article, Audit, AuditError
from newsaudit.nlp import LanguageGuesser, load_pipeline, load_sentencizer, parse
from newsaudit.provenance import copying_signals, find_reuse, open_corpus
from newsaudit.readers import RawDocument, ReadFailure, sniff_format
from newsaudit.settings import Settings
from newsaudit.sources import open_sources, reputation_signal
from newsaudit.stages import Context, Stage, resolve

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
        self.stages: tuple[Stage, ...] = resolve(stages)
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
        return self._audit_batch([item])[0]

    def _raw_from_value(self, value: str | bytes, *, url: str | None, title: str | None, format: str | None) -> Item:
        from newsaudit.readers.decode import decode

        try:
            text = decode(value, max_bytes=self.settings.max_bytes) if isinstance(value, bytes) else value
        except InputError as error:
            return ReadFailure("<value>", error)
        if format is None:
            format = sniff_format(text[:8192].encode("utf-8", errors="replace"))
        kind = "html" if format == "html" else "text"
        fields = {key: value for key, value in (("url", url), ("title", title)) if value}
        return RawDocument(text, kind, "<value>", kind, fields, titled=kind == "text" and title is None)

    # -- many articles -------------------------------------------------------------------------------------

    def audit_many(self, items: Iterable[Item], *, workers: int | None = None) -> Iterator[Audit]:
        """Audit a stream of documents in input order, in worker processes when `workers` > 1.

        `workers` defaults to the settings (0 = one per core). Input is consumed lazily, with a bounded
        number of batches in flight, so a corpus of millions streams through in constant memory.
        """
        workers = self._worker_count(workers)
        batches = _batched(items, self.settings.batch_size)
        if workers <= 1:
            for batch in batches:
                yield from self._audit_batch(batch)
            return
        first = next(batches, None)
        if first is None:
            return
        second = next(batches, None)
        if second is None:
            # A single batch is not worth starting processes for.
            yield from self._audit_batch(first)
            return
        yield from _audit_in_processes(self, chain([first, second], batches), workers)

    def _worker_count(self, workers: int | None) -> int:
        workers = self.settings.workers if workers is None else workers
        if workers == 0:
            workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return max(1, workers)

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
            try:
                article = (
                    item
                    if isinstance(item, Article)
                    else extract_article(
                        item,
                        remove_chrome=self.settings.remove_chrome,
                        min_text_chars=self.settings.min_text_chars,
                        extraction=self.settings.extraction,
                    )
                )
            except InputError as error:
                results[index] = failure_audit(ReadFailure(item.source, error, item.fields.get("id")), item)
                continue
            except Exception as error:  # an extractor bug must not take the batch down
                log.exception("extraction crashed on %s", item.source)
                failure = ReadFailure(item.source, InputError(f"extraction failed: {error!r}"), item.fields.get("id"))
                results[index] = failure_audit(failure, item)
                continue
            current = _Pending(index, article, True, [], {"extract": 0.0})
            if self.settings.detect_language and article.language is None:
                self._check_language(current, language)
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
        """Parse every article: the pipeline's language with the pipeline, others with the sentencizer."""
        for english in (True, False):
            group = [current for current in pending if current.english is english]
            if not group:
                continue
            nlp = self.nlp if english else load_sentencizer()
            texts = [current.article.text for current in group]
            started = time.perf_counter()
            try:
                docs = list(parse(nlp, texts, self.settings.batch_size))
            except Exception:  # one text that breaks the parser must not fail its whole batch
                log.exception("batch parse failed; parsing one by one")
                docs = [self._parse_alone(nlp, text) for text in texts]
            elapsed = time.perf_counter() - started
            total_chars = sum(len(text) for text in texts) or 1
            for current, doc in zip(group, docs, strict=True):
                current.doc = doc
                # The batch is timed as a whole; each article is charged its share by length.
                current.timings["nlp"] = elapsed * len(current.article.text) / total_chars

    def _parse_alone(self, nlp, text: str):
        try:
            return next(parse(nlp, [text]))
        except Exception:
            log.exception("parse failed")
            return None

    def _assess(self, article: Article, findings: dict[str, Any], errors: list[AuditError]) -> None:
        """The site's reputation (when source lists are loaded) joins the signals; the credibility model weighs
        them all. A source store that cannot be read costs the reputation, not the assessment."""
        signals = tuple(findings["signals"])
        level = None
        if self.settings.sources:
            try:
                level, signal = reputation_signal(article, open_sources(self.settings.sources))
                signals += (signal,)
            except NewsauditError as error:
                errors.append(AuditError("reputation", error.code, str(error)))
        findings["signals"], findings["credibility"] = CredibilityModel.default().assess(signals, level)

    def _run_stages(self, current: _Pending) -> Audit:
        article, errors, timings = current.article, current.errors, current.timings
        findings: dict[str, Any] = {}
        if current.doc is None:
            errors.append(AuditError("nlp", "nlp_failed", "the NLP pipeline failed on this article"))
        else:
            for step in self.stages:
                started = time.perf_counter()
                try:
                    findings.update(step(Context(article, current.doc, findings, current.english)))
                except NewsauditError as error:
                    errors.append(AuditError(step.name, error.code, str(error)))
                except Exception as error:
                    log.exception("stage %s failed on %s", step.name, article.id)
                    errors.append(AuditError(step.name, "stage_failed", f"{type(error).__name__}: {error}"))
                timings[step.name] = time.perf_counter() - started
        if self.settings.factchecks and findings.get("claims"):
            started = time.perf_counter()
            try:
                findings["claims"] = attach_factchecks(findings["claims"], open_store(self.settings.factchecks))
            except NewsauditError as error:
                errors.append(AuditError("factchecks", error.code, str(error)))
            timings["factchecks"] = time.perf_counter() - started
        if self.settings.corpus and current.doc is not None and article.text:
            started = time.perf_counter()
            try:
                findings["reuse"] = find_reuse(
                    article, findings.get("attributions", ()), open_corpus(self.settings.corpus)
                )
                findings["signals"] = tuple(findings.get("signals", ())) + copying_signals(findings["reuse"])
            except NewsauditError as error:
                errors.append(AuditError("reuse", error.code, str(error)))
            timings["reuse"] = time.perf_counter() - started
        if "signals" in findings:
            started = time.perf_counter()
            try:
                self._assess(article, findings, errors)
            except NewsauditError as error:
                errors.append(AuditError("credibility", error.code, str(error)))
            except Exception as error:  # like a stage: one article's failure must not take the batch down
                log.exception("credibility failed on %s", article.id)
                errors.append(AuditError("credibility", "stage_failed", f"{type(error).__name__}: {error}"))
            timings["credibility"] = time.perf_counter() - started
        timings["total"] = sum(timings.values())
        known = {key: value for key, value in findings.items() if key in _AUDIT_FIELDS}
        return Audit(article=article, errors=tuple(errors), timings=timings, **known)


@dataclass(slots=True)
class _Pending:
    """An article between extraction and its audit."""

    index: int
    article: Article
    english: bool
    errors: list[AuditError]
    timings: dict[str, float]
    doc: Any = None


_AUDIT_FIELDS = set(Audit.__dataclass_fields__) - {"article", "errors", "timings", "schema_version"}


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


# -- worker processes -----------------------------------------------------------------------------------

_WORKER: Auditor | None = None


def _init_worker(settings: Settings, stage_names: tuple[str, ...]) -> None:
    global _WORKER
    # One BLAS thread per worker: the workers already fill the cores, and numpy's small products (the role
    # tagger, stance) run slower, not faster, when every worker also starts a thread per core (measured: the
    # pipeline took 1.6x the bare parse on FNC-1 bodies with 2 workers instead of 1.2x).
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    if _WORKER is None or _WORKER.settings != settings:
        _WORKER = Auditor(settings, stages=stage_names)


def _work(batch: list[Item]) -> list[Audit]:
    assert _WORKER is not None
    return _WORKER._audit_batch(batch)


def _audit_in_processes(auditor: Auditor, batches: Iterator[list[Item]], workers: int) -> Iterator[Audit]:
    global _WORKER
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        # Load the pipeline before forking so that every worker shares it instead of loading its own.
        auditor.nlp  # noqa: B018
        _WORKER = auditor
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("spawn")
    stage_names = tuple(current.name for current in auditor.stages)
    with context.Pool(workers, initializer=_init_worker, initargs=(auditor.settings, stage_names)) as pool:
        in_flight: deque = deque()
        for batch in batches:
            in_flight.append(pool.apply_async(_work, (batch,)))
            # Keep a few batches per worker queued: enough to stay busy, bounded so input streams lazily.
            while len(in_flight) >= workers * 3:
                yield from in_flight.popleft().get()
        while in_flight:
            yield from in_flight.popleft().get()


def _batched(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
