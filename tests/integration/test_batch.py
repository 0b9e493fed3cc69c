"""`newsaudit batch` on a real Dask LocalCluster: the same audits as `newsaudit audit`, exactly once after
kill -9, a worker killed mid-shard, a poison record, output read back with pyarrow and DuckDB.

Every article is fiction written for these tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pa_parquet = pytest.importorskip("pyarrow.parquet")

from newsaudit.batch import run_batch  # noqa: E402
from newsaudit.batch.report import write_report  # noqa: E402
from newsaudit.batch.summary import summarise  # noqa: E402
from newsaudit.errors import BatchError  # noqa: E402
from newsaudit.ingest.readers import read  # noqa: E402
from newsaudit.stages import DEFAULT_STAGES  # noqa: E402

TOWNS = ("Ashford Vale", "Brindlemoor", "Corvel Bay", "Dunmarrow", "Elsingham", "Fallowmere", "Glenrook", "Harwick")


def _story(number: int) -> dict:
    town = TOWNS[number % len(TOWNS)]
    return {
        "id": f"fiction-{number:02d}",
        "title": f"{town} council approves plan number {number}",
        "url": f"https://news{number % 3}.example/{number}",
        "text": (
            f"The council of the fictional town of {town} voted on Monday to approve plan number {number}, "
            f"the mayor said. Officials, speaking on condition of anonymity, said the plan may cost about "
            f"{number + 2} million dollars. A spokesperson for the opposition denied that the vote was rushed. "
            "Residents reportedly asked for more time to comment."
        ),
    }


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crawl")
    records = [_story(i) for i in range(14)]
    records.insert(5, {"id": "fiction-empty", "text": ""})  # a record that cannot be audited
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><title>Glenrook opens a fictional library</title></head><body><article>"
        "<h1>Glenrook opens a fictional library</h1><p>The fictional town of Glenrook opened a library on "
        "Saturday, the mayor said.</p></article></body></html>",
        encoding="utf-8",
    )
    return folder


def _plain(audit_json: str) -> dict:
    data = json.loads(audit_json)
    data.pop("timings", None)
    return data


def _audits(folder: Path) -> dict[str, dict]:
    table = pa_parquet.read_table(folder / "audits")
    return {row["id"]: _plain(row["audit_json"]) for row in table.to_pylist()}


@pytest.fixture(scope="module")
def reference(crawl, auditor) -> dict[str, dict]:
    """What `newsaudit audit` gives for the same inputs, in process."""
    return {
        a.article.id: _plain(json.dumps(a.to_dict(), ensure_ascii=False)) for a in auditor.audit_many(read([crawl]))
    }


@pytest.fixture(scope="module")
def finished(crawl, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch") / "out"
    result = run_batch([crawl], out, workers=2, shard_size=4)
    assert result.shards == 4 and result.articles == 16 and result.errors["empty_input"] == 1
    return out


def test_batch_writes_what_audit_writes(finished, reference):
    assert _audits(finished) == reference


def test_output_reads_back_without_newsaudit(finished):
    duckdb = pytest.importorskip("duckdb")
    parts = str(finished / "audits" / "*.parquet")
    count, low = duckdb.sql(f"select count(*), min(credibility_score) from read_parquet('{parts}')").fetchall()[0]
    assert count == 16 and low is not None
    errors = duckdb.sql(f"select id, code from read_parquet('{finished / 'errors' / '*.parquet'}')").fetchall()
    assert errors == [("fiction-empty", "empty_input")]
    manifest = json.loads((finished / "manifest.json").read_text())
    assert sorted(manifest["done"]) == [f"part-{i:05d}" for i in range(4)]
    assert sum(entry["audits"]["rows"] for entry in manifest["done"].values()) == 16


def test_summary_counts_what_the_part_files_hold_and_its_page_runs_no_script(finished, reference):
    figures = summarise(finished)
    judged = [a["credibility"] for a in reference.values() if a["credibility"]]
    scored = [c for c in judged if c["label"] != "not_assessed"]
    assert figures["articles"] == 16 and figures["errors"] == {"empty_input": 1}
    assert figures["assessed"] == len(scored) == sum(b["articles"] for b in figures["credibility_histogram"])
    assert figures["lowest"][0]["score"] == round(min(c["score"] for c in scored), 1)
    assert sum(site["articles"] for site in figures["domains_by_volume"]) == 16
    page = (finished / "summary.html").read_text(encoding="utf-8")
    assert "<script" not in page and "script-src &#x27;none&#x27;" in page and "<svg" in page
    shown = json.loads(
        subprocess.run(
            [sys.executable, "-m", "newsaudit", "summary", str(finished), "--format", "json"],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout
    )  # fmt: skip
    assert shown["articles"] == 16 and shown["lowest"] == figures["lowest"]


def test_report_of_one_article_is_its_audit_again(finished, reference):
    target = next(i for i in reference if i.startswith("fiction-0"))
    written = write_report(finished, target)
    assert written.matches_stored
    page = written.path.read_text(encoding="utf-8")
    assert written.path.parent == finished / "reports" and reference[target]["article"]["title"] in page
    with pytest.raises(BatchError, match="no article with id"):
        write_report(finished, "fiction-nowhere")


def test_rerun_does_nothing_and_other_settings_are_refused(finished, crawl):
    again = run_batch([crawl], finished, workers=2, shard_size=4)
    assert again.articles == 0 and again.skipped_shards == 4 and again.workers == 0
    command = [sys.executable, "-m", "newsaudit", "batch", str(crawl), "--out", str(finished), "--shard-size", "5"]
    refused = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "another run" in refused.stderr and "shard_size" in refused.stderr


def test_kill_9_of_the_whole_run_then_rerun_loses_and_duplicates_nothing(crawl, tmp_path, reference):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "newsaudit", "batch", str(crawl), "--out", str(out), "--workers", "2",
               "--shard-size", "1", "--quiet"]  # fmt: skip
    run = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            manifest = out / "manifest.json"
            if manifest.exists() and len(json.loads(manifest.read_text())["done"]) >= 3:
                break
            assert run.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail("no shard finished in time")
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    done_before = len(json.loads((out / "manifest.json").read_text())["done"])
    assert done_before < 16
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    table = pa_parquet.read_table(out / "audits")
    assert sorted(table.column("id").to_pylist()) == sorted(reference)  # each article exactly once
    assert _audits(out) == reference


def test_a_worker_killed_mid_shard_has_its_shard_retried(crawl, tmp_path, reference):
    out = tmp_path / "out"
    clients, progressed = [], threading.Event()
    result = {}

    def go():
        result["value"] = run_batch(
            [crawl], out, workers=2, shard_size=2,
            on_cluster=clients.append, on_progress=lambda n: progressed.set(),
        )  # fmt: skip

    thread = threading.Thread(target=go)
    thread.start()
    assert progressed.wait(180), "no progress"
    client = clients[0]
    busy = [w for w, tasks in client.processing().items() if tasks]
    pids = client.run(os.getpid, workers=busy[:1] or None)
    os.kill(next(iter(pids.values())), signal.SIGKILL)
    thread.join(300)
    assert not thread.is_alive()
    assert result["value"].articles == 16
    assert _audits(out) == reference


POISON_PLUGIN = '''
import os
from newsaudit.stages import stage


@stage("poison_pill", requires=("sentences",), assigns=("poison_checked",))
def poison_pill(context):
    """A stage that kills its worker process on one marked fictional record (a crash no try/except catches)."""
    if "POISON-PILL" in context.article.text:
        os._exit(13)
    return {"poison_checked": True}
'''


def test_a_record_that_kills_workers_is_recorded_not_retried_forever(tmp_path, monkeypatch):
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "fictional_poison.py").write_text(POISON_PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "plugins"))  # worker processes start with this sys.path
    records = [_story(i) for i in range(6)]
    records[3]["text"] += " POISON-PILL"
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(
        [feed], out, workers=2, shard_size=3,
        stages=(*DEFAULT_STAGES, "poison_pill"), plugins=("fictional_poison",),
    )  # fmt: skip
    assert result.articles == 6
    assert result.errors == {"worker_lost": 1}
    rows = {row["id"]: row for row in pa_parquet.read_table(out / "audits").to_pylist()}
    assert rows["fiction-03"]["errors"] == 1
    assert json.loads(rows["fiction-03"]["audit_json"])["errors"][0]["code"] == "worker_lost"
    assert all(rows[f"fiction-{i:02d}"]["errors"] == 0 for i in (0, 1, 2, 4, 5))


def test_a_failure_on_every_worker_stops_the_run_with_a_clear_error_and_keeps_nothing_half_done(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(_story(i)) + "\n" for i in range(4)), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(BatchError, match=r"fictional_missing_plugin.*run the same command again"):
        run_batch([feed], out, workers=1, shard_size=2, plugins=("fictional_missing_plugin",))
    assert not (out / "audits").exists() or not list((out / "audits").iterdir())
    manifest = out / "manifest.json"
    assert not manifest.exists() or json.loads(manifest.read_text())["done"] == {}


def test_the_time_limit_holds_on_dask_workers(tmp_path):
    """Dask runs tasks in a thread of the worker: the per-document limit must still end a long document."""
    from newsaudit.settings import Settings

    long_text = "\n\n".join(_story(i)["text"] for i in range(600))  # about 250 kB of fiction
    records = [_story(0), {"id": "fiction-long", "title": "A long fictional report", "text": long_text}]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    started = time.perf_counter()
    result = run_batch([feed], tmp_path / "out", workers=1, shard_size=2, settings=Settings(time_limit=0.5))
    assert result.articles == 2 and result.errors["time_limit"] >= 1
    rows = {row["id"]: row for row in pa_parquet.read_table(tmp_path / "out" / "audits").to_pylist()}
    codes = [error["code"] for error in json.loads(rows["fiction-long"]["audit_json"])["errors"]]
    assert "time_limit" in codes and time.perf_counter() - started < 120


SUBJECTS = {
    1: ("harbour board", "cranes", "pier", "dockworkers", "tide gauge", "ferry"),
    5: ("orchard cooperative", "apples", "cider press", "beekeepers", "frost alarm", "tractor"),
}


def _long_story(seed: int) -> str:
    """A fictional report of about 400 words whose wording is its own (stories of other seeds share none)."""
    first, second, third, fourth, fifth, sixth = SUBJECTS[seed]
    return " ".join(
        f"The {first} of {town} said its {second} number {i} near the {third} would need {fourth} "
        f"to check the {fifth} by week {i + seed}, while the {sixth} stayed idle for {i * 3 + seed} days."
        for i, town in enumerate(TOWNS * 3)
    )


def test_corpus_phase_indexes_the_batch_once_and_writes_reuse_beside_the_audits(tmp_path):
    from newsaudit.settings import Settings
    from newsaudit.stores.corpus import Corpus

    original = _long_story(1)
    records = [
        {"id": "fiction-original", "url": "https://first.example/a", "published": "2031-01-02", "text": original,
         "title": "Harbour plan costs revealed"},
        {"id": "fiction-copy", "url": "https://copier.example/b", "published": "2031-01-05",
         "text": original + " The copier added one sentence of its own.", "title": "Harbour plan costs"},
        {"id": "fiction-other", "url": "https://other.example/c", "published": "2031-01-03", "text": _long_story(5),
         "title": "Another harbour"},
    ]  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out, store = tmp_path / "out", tmp_path / "corpus.db"
    settings = Settings(corpus=str(store))
    result = run_batch([feed], out, workers=2, shard_size=2, settings=settings)
    assert (result.articles, result.indexed, result.looked_up) == (3, 3, 3)
    audits = {row["id"]: row for row in pa_parquet.read_table(out / "audits").to_pylist()}
    assert all(json.loads(row["audit_json"])["reuse"] == [] for row in audits.values())  # audited without it
    reuse = {row["id"]: row for row in pa_parquet.read_table(out / "reuse").to_pylist()}
    assert set(reuse) == set(audits)
    assert reuse["fiction-copy"]["copied_from"] == ["first.example"] and reuse["fiction-copy"]["copied_share"] > 0.75
    assert reuse["fiction-copy"]["signals"] == ["uncredited_copying"]
    assert reuse["fiction-original"]["reused_with"] == 1 and reuse["fiction-original"]["copied_share"] == 0.0
    assert reuse["fiction-other"]["reused_with"] == 0
    found = json.loads(reuse["fiction-copy"]["reuse_json"])
    assert found["reuse"][0]["id"] == "fiction-original" and found["signals"][0]["name"] == "uncredited_copying"
    with Corpus(store) as corpus:
        assert len(corpus) == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["phases"]["indexed"]) == sorted(manifest["phases"]["reuse"]) == ["part-00000", "part-00001"]
    again = run_batch([feed], out, workers=2, shard_size=2, settings=settings)
    assert (again.articles, again.indexed, again.looked_up, again.workers) == (0, 0, 0, 0)
    figures = summarise(out)
    assert figures["copying"] == {"looked_up": 3, "with_signals": 1, "copied_from": {"first.example": 1}}
    written = write_report(out, "fiction-copy")
    assert written.matches_stored and "first.example" in written.path.read_text(encoding="utf-8")


def test_jsonl_part_files_summarise_and_report_like_parquet_ones(tmp_path):
    """A run with no errors leaves empty errors part files; JSONL ones must still be read as tables."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(_story(i)) + "\n" for i in range(3)), encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch([feed], out, workers=1, shard_size=2, format="jsonl")
    assert result.articles == 3 and not result.errors
    assert sorted(p.name for p in (out / "audits").iterdir()) == ["part-00000.jsonl", "part-00001.jsonl"]
    figures = summarise(out)
    assert figures["articles"] == 3 and figures["errors"] == {} and (out / "summary.html").exists()
    written = write_report(out, "fiction-02")
    assert written.matches_stored and written.path.exists()
