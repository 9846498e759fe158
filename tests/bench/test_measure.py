"""The in-process timer behind the bench's ratios of a function to its SQL."""

from bench.measure import timed_medians


def test_runs_are_timed_in_turns_so_that_a_slow_spell_hits_both():
    calls: list[str] = []
    medians = timed_medians(lambda: calls.append("function"), lambda: calls.append("sql"), repeat=3)
    assert calls == ["function", "sql"] * 4  # one warm-up each, then three turns
    assert len(medians) == 2


def test_the_statements_compared_are_those_of_a_second_run(app):
    from sqlalchemy import text

    from bench.measure import statements_of
    from tracker.extensions import db

    runs = []

    def run():
        runs.append(len(runs))
        db.session.execute(text(f"SELECT {len(runs)}"))  # the first run sends SELECT 1, the second SELECT 2
        db.session.rollback()

    with app.app_context():
        statements = statements_of(db.engine, run)
    assert runs == [0, 1]
    assert [statement for statement, _ in statements] == ["SELECT 2"]
