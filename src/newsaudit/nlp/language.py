"""Which language a text is in: a cheap guess, so that stages needing the pipeline's language can step aside."""

from __future__ import annotations


class LanguageGuesser:
    """py3langid over the start of the text; None when the text is too short or the guess too unsure."""

    def __init__(self, min_chars: int = 80, min_probability: float = 0.9, sample_chars: int = 2000) -> None:
        self.min_chars = min_chars
        self.min_probability = min_probability
        self.sample_chars = sample_chars
        self._identifier = None

    def load(self):
        """The identifier, loaded on first use (about 0.4 s)."""
        if self._identifier is None:
            from py3langid import langid

            self._identifier = langid.LanguageIdentifier.from_modelpath(
                langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True
            )
        return self._identifier

    def __call__(self, text: str) -> str | None:
        if len(text) < self.min_chars:
            return None
        language, probability = self.load().classify(text[: self.sample_chars])
        return language if probability >= self.min_probability else None
