"""The fitting code behind the `[train]` extra: each module rebuilds one of the models shipped in `newsaudit/models`.

    pip install -e ".[train]"                  # scikit-learn and LightGBM; `pip install torch` too for `roles`
    python scripts/train_roles.py --help       # each scripts/<name>.py calls `main()` of a module here

Every module has `main(argv: list[str] | None = None)`, the command line its script has always had (same
options, defaults and outputs); its docstring, also its `--help`, says what it reads and how it fits:

- `embeddings` (`scripts/build_embeddings.py`): the static sentence embeddings `models/minilm_static/`,
  distilled from all-MiniLM-L6-v2 (torch and model2vec, in a throwaway environment: see the module).
- `roles` (`scripts/train_roles.py`): the attribution role tagger `models/roles.npz` (torch), and with
  `--oof build/roles-oof.npz` the out-of-fold role probabilities of the training articles.
- `attribution` (`scripts/train_attribution.py`): the cue rate table `models/cue_frames.tsv` and the cue
  and acceptance models of `models/cue_model.json`; the acceptance model needs the out-of-fold file of
  `roles --oof` (without it that step is skipped).
- `stance` (`scripts/train_stance.py`): the FNC-1 stance model `models/stance.npz`.
- `checkworthy` (`scripts/train_checkworthy.py`): the check-worthiness weights `models/checkworthy.json`.
- `claim_stance` (`scripts/train_claim_stance.py`): the Emergent claim ↔ headline stance model
  `models/claim_stance.npz` (Emergent train only), and its claim-disjoint fold evaluation.
- `stance_folds`, `checkworthy_folds`: no model; the fold evaluations behind `newsaudit eval stance --folds`
  and `newsaudit eval checkworthy --folds`, which refit the recipes above inside each fold's training part.
- `credibility` (`scripts/train_credibility.py`): `models/credibility.json`, fitted on the signals of full
  audits of FA-KES and the FakeNewsCorpus sample.
- `polnear`: no model; the PolNeAR splits parsed once and cached under build/, shared by `roles` and
  `attribution`.

Order, where one reads what another writes: `embeddings` first (the cue model's lemma vectors and the stance
features are embeddings, so both are refitted after a new embedding model); `roles --oof` before
`attribution`; `stance`, `checkworthy` and `claim_stance` at any point after `embeddings`; `credibility` last,
as it audits articles with all the other models (its signal cache is keyed by the package version, not by the
models).

Paths: the models are read from and written to the package folder, `MODELS` (`Path(newsaudit.__file__).parent
/ "models"`). `REPO` is `Path(newsaudit.__file__).resolve().parents[2]`, the checkout for an editable install
(`pip install -e .`; src/newsaudit/__init__.py -> the repository), the folder the scripts used to compute from
their own location: the data are read by default from `DEFAULT_DATA`, the repository's sibling `shared/data`
(or `$NEWSAUDIT_DATA`, or `--data`), and caches and intermediate files go to `REPO / "build"`. From a
non-editable install those defaults point beside site-packages: pass `--data` and `--out`/`--out-dir` then.

Nothing here is imported by the rest of newsaudit, and scikit-learn, LightGBM and torch are imported inside
the functions that fit, so every module imports without the `[train]` extra.
"""

from __future__ import annotations

from pathlib import Path

import newsaudit

#: The installed package folder (src/newsaudit in a checkout).
PACKAGE = Path(newsaudit.__file__).resolve().parent
#: Where the shipped models live and are written by default.
MODELS = PACKAGE / "models"
#: The repository root for an editable install (src/newsaudit -> the checkout).
REPO = PACKAGE.parents[1]
#: The shared data folder beside the repository, the default of every `--data` (after `$NEWSAUDIT_DATA`).
DEFAULT_DATA = REPO.parent / "shared" / "data"
