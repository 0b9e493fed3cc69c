"""The learned scorers and their shipped weights: check-worthiness, stance, the attribution role tagger and
acceptance model, credibility, sentence embeddings. Each loads its weights from this folder once per process;
`newsaudit.training` rebuilds them. Nothing hand-written lives here (that is `newsaudit.lexicons`)."""
