"""The corpus store's add with fingerprints computed elsewhere (fictional texts)."""

from newsaudit.schema import Article
from newsaudit.stores.corpus import Corpus


def test_corpus_add_uses_fingerprints_given_instead_of_computing_them():
    """`newsaudit batch` hands over the keys its workers computed: the store must take them as they are."""
    import numpy as np

    from newsaudit.stores.corpus.fingerprints import text_sha1

    text = " ".join(f"Fictional sentence number {i} about the harbour of Corvel Bay and its cranes." for i in range(40))
    with Corpus(":memory:") as given, Corpus(":memory:") as computed:
        given.add([Article("fiction-a", text=text)], fingerprints={text_sha1(text): (np.array([1, 2, 3]), 7)})
        computed.add([Article("fiction-a", text=text)])
        assert computed.candidates(text) and not given.candidates(text)  # only the given (fake) keys are stored
