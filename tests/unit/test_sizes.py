"""Cost bounded by input size: work that grows with the text and no faster, stage warnings for capped work, and
the per-document time limit. No timings are asserted here (those are `benchmarks/bench_sizes.py`'s); the
checks count operations or look at what a limit leaves behind. Every text is fiction written for the purpose.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from newsaudit import Article, Auditor, Settings
from newsaudit.errors import SettingsError
from newsaudit.ingest import RawDocument
from newsaudit.models import embeddings
from newsaudit.models.embeddings import Embedder
from newsaudit.models.roles import CATEGORICAL, FLAGS, ROLES, RoleTagger
from newsaudit.nlp import doc_entities, entities_within, parse
from newsaudit.runners.limits import TimeLimitExceeded, can_interrupt, within
from newsaudit.stages.claims.quantities import find_quantities
from newsaudit.stages.claims.times import find_times
from newsaudit.stages.registry import REGISTRY, WARNINGS, StageWarning, resolve, stage, work_capped

PUBLISHED = "2024-03-14"


def fictional_paragraphs(count: int) -> str:
    """`count` paragraphs of a fictional council report, each with names, numbers and dates."""
    return "\n\n".join(
        f"The Exampleton harbour board said on Monday that {number + 3} new cranes would arrive in March 2025. "
        f'Board chair Ilse Marrow told the Brindle Gazette that about {number * 7 + 10} workers "will be trained" '
        f"by the Corran Institute, which reportedly denied any delay."
        for number in range(count)
    )


class CountingEntities(tuple):
    """The cached entities of a Doc, counting every entity a caller reads."""

    reads = 0

    def __iter__(self):
        for entity in super().__iter__():
            type(self).reads += 1
            yield entity

    def __getitem__(self, index):
        type(self).reads += 1
        return super().__getitem__(index)


@pytest.fixture(scope="module")
def long_doc(auditor):
    [doc] = list(parse(auditor.nlp, [fictional_paragraphs(120)]))
    return doc


# -- work per sentence, not per document -------------------------------------------------------------------------


def test_sizes_entities_within_is_the_filter_it_replaces(long_doc):
    every = doc_entities(long_doc)
    assert len(every) > 500
    ranges = [(s.start_char, s.end_char) for s in long_doc.sents]
    ranges += [
        (0, len(long_doc.text)),
        (5, 5),
        (every[3].start_char + 1, every[40].end_char),
        (every[9].end_char, 10**9),
    ]
    for start, end in ranges:
        expected = [e for e in every if start <= e.start_char and e.end_char <= end]
        assert entities_within(long_doc, start, end) == expected


def test_sizes_claim_facts_read_each_sentences_own_entities(long_doc):
    # Before: every sentence's quantities and times scanned all of the document's entities (quadratic).
    long_doc.user_data["newsaudit_ents"] = CountingEntities(doc_entities(long_doc))
    CountingEntities.reads = 0
    sentences = list(long_doc.sents)
    found = 0
    for sentence in sentences:
        found += len(find_quantities(long_doc, sentence.start_char, sentence.end_char))
        found += len(find_times(long_doc, PUBLISHED, sentence.start_char, sentence.end_char))
    entities = len(long_doc.user_data["newsaudit_ents"])
    assert found > len(sentences)
    # Each function reads a sentence's own entities (and one past them): not len(sentences) × entities.
    assert CountingEntities.reads <= 3 * (entities + len(sentences))


def test_sizes_the_pipeline_gets_a_bounded_batch_however_long_the_text(monkeypatch):
    # Before: all the chunks of a long text (and its batch's other texts) went to spaCy as one batch, whose
    # memory grows with the batch (a 300 kB text peaked at 1.2 GB).
    from newsaudit.nlp import load_sentencizer, parsing

    class Recording:
        def __init__(self, nlp):
            self.nlp, self.batches = nlp, []

        def pipe(self, texts, batch_size):
            texts = list(texts)
            self.batches.append([len(text) for text in texts])
            return self.nlp.pipe(texts, batch_size=batch_size)

    monkeypatch.setattr(parsing, "BATCH_CHARS", 300)
    nlp = Recording(load_sentencizer())
    texts = [fictional_paragraphs(6), "The board met.", "It adjourned.", fictional_paragraphs(2)]
    docs = list(parse(nlp, texts, batch_size=8, chunk_chars=250))
    assert [doc.text for doc in docs] == texts
    assert len(nlp.batches) > 5
    assert all(sum(batch) <= 300 or len(batch) == 1 for batch in nlp.batches)


def test_sizes_role_tagger_in_windows_gives_the_one_pass_probabilities():
    tagger = RoleTagger.default()
    if tagger is None:
        pytest.skip("no role tagger in this package")
    rng = np.random.default_rng(7)
    n = 2_500
    categorical = np.stack([rng.integers(0, len(tagger.weights[f"embed.{c}"]), n) for c in CATEGORICAL], axis=1)
    flags = rng.integers(0, 2, (n, len(FLAGS))).astype(np.float32)
    tensor = rng.standard_normal((n, tagger.tensor_width)).astype(np.float32)
    whole = tagger.forward(categorical, flags, tensor)
    windowed = tagger.forward(categorical, flags, tensor, window=300)
    assert windowed.shape == (n, len(ROLES))
    np.testing.assert_allclose(windowed, whole, atol=1e-5)


def test_sizes_embedding_a_long_text_in_slices_gives_the_same_vector(monkeypatch):
    embedder = Embedder.default()
    texts = [fictional_paragraphs(40), "The board met on Monday.", "", fictional_paragraphs(3)]
    whole = embedder.encode(texts)
    monkeypatch.setattr(embeddings, "_GATHER", 64)  # every text above is now summed slice by slice
    sliced = embedder.encode(texts)
    np.testing.assert_allclose(sliced, whole, atol=1e-5)
    assert not sliced[2].any()


# -- stage warnings ----------------------------------------------------------------------------------------------


@pytest.fixture
def test_stages():
    """Stages registered for one test only (every registered stage is held to the stage protocol)."""
    names: list[str] = []

    def register(name: str, function, **declared):
        stage(name, **declared)(function)
        names.append(name)

    yield register
    for name in names:
        REGISTRY.pop(name, None)


def test_sizes_a_capped_stage_records_its_warning(test_stages):
    def capped(context):
        return {"test_cap_count": 1, WARNINGS: (work_capped("linked within 50 sentences only"),)}

    test_stages("test_capped", capped, requires=("sentences",), assigns=("test_cap_count",))
    auditor = Auditor(Settings(workers=1), stages=["sentences", "test_capped", "entities"])
    result = auditor.audit("A fictional title\n\nThe Exampleton board met on Monday. It adjourned at noon.")
    assert [(e.stage, e.code, e.message, e.severity) for e in result.errors] == [
        ("test_capped", "work_capped", "linked within 50 sentences only", "warning")
    ]
    assert not result.failed and result.entities is not None and result.sentences


def test_sizes_the_warnings_key_is_reserved(test_stages):
    test_stages("test_assigns_warnings", lambda context: {}, assigns=(WARNINGS,))
    with pytest.raises(SettingsError, match="reserved"):
        resolve(["test_assigns_warnings"])
    assert work_capped("x") == StageWarning("work_capped", "x")


# -- the time limit ----------------------------------------------------------------------------------------------


def test_sizes_time_limit_setting_is_declared_and_checked(monkeypatch):
    assert Settings().time_limit > 0
    monkeypatch.setenv("NEWSAUDIT_TIME_LIMIT", "2.5")
    assert Settings.load().time_limit == 2.5
    monkeypatch.setenv("NEWSAUDIT_TIME_LIMIT", "soon")
    with pytest.raises(SettingsError, match="must be a number"):
        Settings.load()
    for bad in (-1, "10", True, float("nan"), float("inf")):
        with pytest.raises(SettingsError, match="time_limit"):
            Settings(time_limit=bad)


@pytest.mark.skipif(not can_interrupt(), reason="no interval timer here (the limit is checked between steps)")
def test_sizes_within_interrupts_work_and_leaves_no_alarm_behind():
    import signal

    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(TimeLimitExceeded), within(0.05):
        time.sleep(5)
    with within(5):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before
    with pytest.raises(TimeLimitExceeded), within(0):
        pass


def test_sizes_within_interrupts_work_in_another_thread_too_and_nothing_lands_later():
    """A Dask worker audits in a thread of its pool: the limit must hold there as in the main thread."""
    outcome = []

    def spin(seconds: float) -> None:
        ends = time.perf_counter() + seconds
        while time.perf_counter() < ends:  # Python bytecode: where an asynchronous exception lands
            pass

    def work():
        assert can_interrupt()
        try:
            with within(0.05):
                spin(5)
            outcome.append("not interrupted")
        except TimeLimitExceeded:
            outcome.append("interrupted")
        for _ in range(20):  # blocks that end in time are never interrupted, not even just after
            with within(0.02):
                spin(0.005)
        spin(0.1)
        outcome.append("finished")
        with pytest.raises(TimeLimitExceeded), within(0):
            pass

    worker = threading.Thread(target=work)
    started = time.perf_counter()
    worker.start()
    worker.join()
    assert outcome == ["interrupted", "finished"] and time.perf_counter() - started < 3


TITLE = "Exampleton harbour board orders cranes"


def _document(text: str, name: str) -> RawDocument:
    return RawDocument(text, "text", name, "text", {"title": TITLE})


def _long_article(paragraphs: int) -> Article:
    """A long article given as extracted (so that only its parse and stages count against the limit)."""
    return Article(id="long", title=TITLE, language="en", text=fictional_paragraphs(paragraphs), source="long")


SHORT = "The Exampleton harbour board said on Monday that three new cranes would arrive in March."


@pytest.fixture(scope="module")
def loaded(auditor):
    """The stages' models loaded, as a process has them after its first document (whose limit pays for it)."""
    auditor.audit_batch([_document(SHORT, "warm-up"), _long_article(2)])


def test_sizes_a_tiny_time_limit_ends_the_long_document_with_an_error():
    auditor = Auditor(Settings(workers=1, time_limit=0.01))
    article = _long_article(600)
    [result] = auditor.audit_batch([article])
    assert [error.code for error in result.errors] == ["time_limit"]
    assert result.failed and result.article == article  # the audit still has its article


@pytest.mark.skipif(not can_interrupt(), reason="no interval timer here (the limit is checked between steps)")
def test_sizes_time_limit_stops_one_document_and_the_batch_goes_on(loaded):
    auditor = Auditor(Settings(workers=1, time_limit=1.0))
    article = _long_article(1_500)  # ~330 kB: parsed alone, for far longer than a second
    long, short = auditor.audit_batch([article, _document(SHORT, "short")])
    # Where the second runs out (the parse or an early stage) depends on the machine; that it ends this
    # document alone does not.
    assert [e.code for e in long.errors] == ["time_limit"]
    assert long.article == article and long.failed
    assert not short.errors and short.sentences and short.claims


@pytest.mark.skipif(not can_interrupt(), reason="no interval timer here (the limit is checked between steps)")
def test_sizes_time_limit_in_a_stage_keeps_what_earlier_stages_found(test_stages, loaded):
    def slow(context):
        if "clock tower" in context.article.text:
            time.sleep(30)
        return {"test_slow_done": True}

    test_stages("test_slow", slow, requires=("sentences",), assigns=("test_slow_done",))
    auditor = Auditor(Settings(workers=1, time_limit=0.5), stages=["sentences", "test_slow", "entities"])
    stuck, fine = auditor.audit_batch(
        [_document("The Exampleton clock tower stopped on Monday.", "stuck"), _document(SHORT, "fine")]
    )
    [error] = stuck.errors
    assert (error.stage, error.code) == ("test_slow", "time_limit") and "not run: entities" in error.message
    assert stuck.sentences and not stuck.entities
    assert not fine.errors and fine.entities


@pytest.mark.skipif(not can_interrupt(), reason="no interval timer here (the limit is checked between steps)")
def test_sizes_time_limit_holds_in_worker_processes(loaded):
    auditor = Auditor(Settings(workers=2, batch_size=1, time_limit=1.0))
    items = [_long_article(1_500), _document(SHORT, "short"), _document(SHORT, "again")]
    results = list(auditor.audit_many(items))
    assert [r.article.source for r in results] == ["long", "short", "again"]
    assert [e.code for e in results[0].errors] == ["time_limit"]
    assert all(not r.errors and r.claims for r in results[1:])
