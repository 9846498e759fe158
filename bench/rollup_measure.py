"""What the monthly summary table and the LMC figure cache buy, measured in-process.

Called by ``bench.measure`` (``--only rollup``); prints ``name value unit`` lines:

- ``<label>.rollup.trust_summary.*``: ``trust_summary`` for the bench LMC's busiest trust
  over 12 whole months, as the app computes it (summary table where it answers) against
  the same function reading reports only, and against the raw SQL of that reports-only
  computation replayed on the driver: "the raw SQL aggregate behind it".
- ``<label>.rollup.ranking.*``: the LMC ranking (``provider_ranking``) the same two ways.
- ``<label>.lmc_dashboard.server_ms_cached`` and ``trust_page.server_ms_cached``: the
  pages served from the figure cache (unchanged data), beside the uncached server times
  that ``bench.measure``'s dashboard step prints.
"""

from __future__ import annotations

from bench.measure import Bench, replay, say, signed_in_client, statements_of, timed_median, timed_medians


def _compare(name: str, engine, session, call, repeat: int) -> None:
    from tracker.summaries.rollup import reading_reports_only

    def summary() -> None:
        call()
        session.rollback()

    def reports_only() -> None:
        with reading_reports_only():
            call()
        session.rollback()

    statements = statements_of(engine, reports_only)
    with_table, without, raw_sql = timed_medians(summary, reports_only, replay(engine, statements), repeat=repeat)
    say(f"{name}.ms", with_table * 1000, "ms", "with the monthly summary table")
    say(f"{name}.reports_only_ms", without * 1000, "ms", "the same figures from the report table alone")
    say(f"{name}.report_sql_ms", raw_sql * 1000, "ms", f"the raw SQL aggregate behind it ({len(statements)} statements)")
    ratio = with_table / raw_sql if raw_sql else float("nan")
    say(f"{name}.ratio_to_report_sql", ratio, "ratio", "target <= 1.5: " + ("met" if ratio <= 1.5 else "missed"))
    say(f"{name}.speed_up", without / with_table if with_table else float("nan"), "times")


def measure_rollup(app, bench: Bench, label: str, repeat: int) -> None:
    from tracker.extensions import db
    from tracker.summaries.queries import provider_ranking, trust_summary
    from tracker.summaries.scope import SummaryScope

    rates = app.config["HOURLY_RATES"]
    scope = SummaryScope.for_lmc(bench.lmc)
    _compare(f"{label}.rollup.trust_summary", db.engine, db.session,
             lambda: trust_summary(scope, bench.trust, bench.year, rates), repeat)
    _compare(f"{label}.rollup.ranking", db.engine, db.session,
             lambda: provider_ranking(scope, bench.year, rates), repeat)

    app.config["SUMMARY_CACHE_SECONDS"] = 300
    try:
        client = signed_in_client(app, bench.lmc_officer)
        for key, path in (("lmc_dashboard", "/summaries"), ("trust_page", f"/summaries/trusts/{bench.trust.ods_code}")):
            def fetch() -> None:
                if client.get(path).status_code != 200:
                    raise RuntimeError(f"GET {path} did not answer 200")

            say(f"{label}.{key}.server_ms_cached", timed_median(fetch, repeat) * 1000, "ms",
                "figures kept by the figure cache while the data is unchanged")
    finally:
        app.config["SUMMARY_CACHE_SECONDS"] = 0
