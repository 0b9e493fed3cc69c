"""Cost of the attribution, hedge and denial stages beside the NLP parse they run on, same texts, one process.

    python benchmarks/bench_attribution.py [--data DIR] [--limit 250]

Parses the FakeNewsCorpus sample once (timed: the NLP time), then runs the sentence, entity, attribution,
hedge and denial stages over the parsed documents (timed). Prints articles/s for each and the ratio
stages / NLP (the goal: at most 0.20), with peak RSS. Within the attribution stage, the role tagger's forward
pass is timed on its own, and the reference in the same run is attribution with the lexical cue decision
alone (no tagger, no acceptance model).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, parsed_news_sample, peak_rss_mb, require, run_stages

from newsaudit.models.roles import RoleTagger
from newsaudit.stages import DEFAULT_STAGES, resolve
from newsaudit.stages.attribution import Lexicon, find_attributions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="datasets folder (default: ../shared/data or $NEWSAUDIT_DATA)")
    parser.add_argument("--limit", type=int, default=250)
    args = parser.parse_args()
    path = require(data_dir(args.data) / "fakenewscorpus_sample" / "news_sample.csv")
    articles, docs, nlp_seconds = parsed_news_sample(path, args.limit)
    stages = resolve(DEFAULT_STAGES)
    timings = {stage.name: 0.0 for stage in stages}
    for article, doc in zip(articles, docs, strict=True):
        run_stages(article, doc, stages, timings)
    analysis = sum(timings[name] for name in ("attributions", "hedges", "denials"))
    tagger, lexicon = RoleTagger.default(), Lexicon.default()
    started = time.perf_counter()
    if tagger is not None:
        for doc in docs:
            tagger(doc)
    tagger_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for doc in docs:
        find_attributions(doc, lexicon)
    lexical_seconds = time.perf_counter() - started
    n = len(articles)
    emit(
        {
            "articles": n,
            "nlp_articles_per_s": round(n / nlp_seconds, 2),
            "stage_seconds": {name: round(value, 3) for name, value in timings.items()},
            "attribution_hedges_denials_over_nlp": round(analysis / nlp_seconds, 3),
            "role_tagger_seconds": round(tagger_seconds, 3) if tagger is not None else None,
            "reference_lexical_attributions_seconds": round(lexical_seconds, 3),
            **peak_rss_mb(),
        }
    )


if __name__ == "__main__":
    main()
