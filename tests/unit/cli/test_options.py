"""The progress columns: an average rate once a second has passed, and an ETA when the total is known."""

from __future__ import annotations

from rich.progress import Progress

from newsaudit.cli.options import EtaColumn, RateColumn


def task_at(clock: list[float], total: int | None):
    progress = Progress(get_time=lambda: clock[0], auto_refresh=False, disable=True)
    task_id = progress.add_task("auditing", total=total)
    return progress, task_id


def test_a_first_batch_arriving_at_once_makes_no_rate():
    clock = [100.0]
    progress, task_id = task_at(clock, total=40)
    clock[0] = 100.02
    progress.update(task_id, advance=8)  # a batch of eight, 20 ms after the start
    task = progress.tasks[0]
    assert RateColumn().render(task).plain == "" and EtaColumn().render(task).plain == ""


def test_the_rate_is_the_average_since_the_start_and_gives_the_eta():
    clock = [100.0]
    progress, task_id = task_at(clock, total=40)
    clock[0] = 101.0
    progress.update(task_id, advance=8)
    clock[0] = 104.0
    progress.update(task_id, advance=2)
    task = progress.tasks[0]
    assert RateColumn().render(task).plain == "2.5 articles/s"
    assert EtaColumn().render(task).plain == "ETA 0:00:12"


def test_no_eta_without_a_total():
    clock = [0.0]
    progress, task_id = task_at(clock, total=None)
    clock[0] = 5.0
    progress.update(task_id, advance=5)
    assert EtaColumn().render(progress.tasks[0]).plain == ""
    assert RateColumn().render(progress.tasks[0]).plain == "1.0 articles/s"


# -- options that may go without their value (`--folds` alone means `--folds 5`) ----------------------------------


def test_an_option_given_without_its_value_gets_the_default():
    from newsaudit.cli.options import fill_optional_values

    optional = {"--folds": "5"}
    assert fill_optional_values(["a.csv", "b.csv", "--folds"], optional) == ["a.csv", "b.csv", "--folds", "5"]
    assert fill_optional_values(["--folds", "a.csv"], optional) == ["--folds", "5", "a.csv"]
    assert fill_optional_values(["--folds", "--quiet"], optional) == ["--folds", "5", "--quiet"]
    assert fill_optional_values(["--folds", "10", "a.csv"], optional) == ["--folds", "10", "a.csv"]
    assert fill_optional_values(["a.csv"], optional) == ["a.csv"]
    assert fill_optional_values(["--", "--folds"], optional) == ["--", "--folds"]
