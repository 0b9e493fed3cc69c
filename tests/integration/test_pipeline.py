import json

import jsonschema
import pytest

from newsaudit import Auditor, Settings, audit
from newsaudit.errors import SettingsError
from newsaudit.ingest.readers import RawDocument, read
from newsaudit.schema import json_schema
from newsaudit.stages.registry import REGISTRY, Stage, resolve
from tests.conftest import EXAMPLES, SCRAPED_STORY, assert_spans_point_into_text, fictional_html

GERMAN = (
    "Der Gemeinderat der erfundenen Stadt Birkenau hat am Dienstag beschlossen, die alte Schule zu "
    "sanieren. Die Arbeiten sollen im Herbst beginnen und rund zwei Jahre dauern, sagte die Bürgermeisterin."
)


def validate(data: dict) -> None:
    jsonschema.validate(data, json_schema())


def test_pipeline_audit_of_scraped_text_fills_the_contract(auditor):
    result = auditor.audit(SCRAPED_STORY)
    data = json.loads(json.dumps(result.to_dict()))
    validate(data)
    assert next(iter(data)) == "schema_version"
    assert data["article"]["title"].startswith("Harbor Officials Deny")
    assert data["article"]["language"] == "en"
    assert len(data["sentences"]) >= 6
    assert ("Ida Fenwick", "PERSON") in {(entity["text"], entity["label"]) for entity in data["entities"]}
    assert_spans_point_into_text(data)
    assert not result.failed and set(data["timings"]) >= {"extract", "nlp", "sentences", "entities", "total"}


def test_pipeline_sentences_never_cross_paragraphs(auditor):
    text = "Headline here\n\nThe body begins here.\n\nA line without a full stop\n\nThe next paragraph starts here."
    result = auditor.audit(text)
    assert [s.text for s in result.sentences] == [
        "The body begins here.",
        "A line without a full stop",
        "The next paragraph starts here.",
    ]


def test_pipeline_entities_know_their_sentence(auditor):
    result = auditor.audit("A title\n\nThe mayor spoke on Monday. Later, Rosa Lindqvist met the press in Examplefield.")
    person = next(entity for entity in result.entities if entity.label == "PERSON")
    assert result.sentences[person.sentence].start <= person.start < result.sentences[person.sentence].end


def test_pipeline_html_string_is_recognised(auditor):
    result = auditor.audit(fictional_html(), url="https://www.echo.example/bridge")
    assert result.article.title == "A Fictional Headline" and result.article.domain == "echo.example"
    assert result.article.format == "html"


def test_pipeline_non_english_is_recorded_and_only_split(auditor):
    result = auditor.audit(GERMAN, title="Schule wird saniert")
    assert result.article.language == "de"
    assert len(result.sentences) == 2 and result.entities == ()
    assert [error.code for error in result.errors] == ["unsupported_language"]
    assert not result.failed
    validate(result.to_dict())


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (b"", "empty_input"),
        (b"\x00\x01\x02\x03" * 100, "binary_input"),
        ("<html><body><nav>Home</nav></body></html>", "no_article"),
    ],
)
def test_pipeline_bad_input_becomes_an_error_entry(auditor, value, code):
    result = auditor.audit(value)
    assert result.failed and [error.code for error in result.errors] == [code]
    validate(result.to_dict())


def test_pipeline_batch_goes_on_after_bad_records(auditor, tmp_path):
    lines = [
        json.dumps({"id": "good-1", "content": "The fictional ferry left Gullport on time on Sunday."}),
        "{broken json",
        json.dumps({"id": "empty", "content": "   "}),
        json.dumps({"id": "good-2", "content": "The fictional bakery in Ovenby opened a second shop."}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    results = list(auditor.audit_many(read([path])))
    assert [r.article.id for r in results[:1] + results[2:]] == ["good-1", "empty", "good-2"]
    assert [r.failed for r in results] == [False, True, True, False]
    assert results[1].article.source.endswith(":2")
    for result in results:
        validate(result.to_dict())


def test_pipeline_parallel_workers_give_the_same_audits_in_order():
    documents = [
        RawDocument(
            f"Fictional headline {i}\n\nCouncillor Mara Quill said on day {i} that the fictional "
            f"harbour of Port Ember would reopen.",
            "text",
            f"doc{i}",
            "text",
            titled=True,
        )
        for i in range(10)
    ]
    serial = [a.to_dict() for a in Auditor(Settings(workers=1, batch_size=3)).audit_many(documents)]
    parallel = [a.to_dict() for a in Auditor(Settings(workers=2, batch_size=3)).audit_many(documents)]
    for data in serial + parallel:
        data.pop("timings")
    assert parallel == serial
    assert [data["article"]["source"] for data in parallel] == [f"doc{i}" for i in range(10)]


def test_pipeline_failing_stage_is_recorded_and_later_stages_still_run(monkeypatch):
    def explode(context):
        raise RuntimeError("boom")

    monkeypatch.setitem(REGISTRY, "explode", Stage("explode", explode, (), ("nothing",)))
    result = Auditor(Settings(workers=1), stages=["sentences", "explode", "entities"]).audit(SCRAPED_STORY)
    assert [(e.stage, e.code) for e in result.errors] == [("explode", "stage_failed")]
    assert result.sentences and result.entities
    assert "boom" in result.errors[0].message


def test_pipeline_stage_requirements_are_checked_before_any_text():
    with pytest.raises(SettingsError, match="needs sentences"):
        resolve(["entities"])
    with pytest.raises(SettingsError, match="unknown stage"):
        resolve(["sentences", "no-such-stage"])


def test_pipeline_long_texts_are_parsed_in_chunks_with_exact_offsets(auditor):
    from newsaudit.nlp import parse

    paragraphs = [f"Paragraph {i} says the fictional mayor Ada Brook opened bridge number {i}." for i in range(40)]
    text = "\n\n".join(paragraphs)
    [doc] = list(parse(auditor.nlp, [text], chunk_chars=500))
    assert doc.text == text
    assert len(list(doc.sents)) == 40
    assert any(ent.text == "Ada Brook" and ent.start_char > 1500 for ent in doc.ents)


def test_pipeline_examples_all_audit_cleanly(auditor):
    results = list(auditor.audit_many(read([EXAMPLES])))
    assert len(results) == 8  # five articles plus the three corpus records
    for result in results:
        data = result.to_dict()
        validate(data)
        assert_spans_point_into_text(data)
        assert not result.failed, result.errors


def test_pipeline_module_level_audit_convenience():
    result = audit("A short fictional headline\n\nThe fictional city of Norby opened a tram line on Monday.")
    assert result.article.title == "A short fictional headline"
