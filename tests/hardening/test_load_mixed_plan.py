"""The mixed load script's plan: the request budget, and each unit signed in as its own user.

(The run itself needs gunicorn and minutes: ``.venv/bin/python -m bench.load_mixed``.)
"""

from __future__ import annotations

from bench import load
from bench.load_mixed import mixed_scenario, plan, units_for


def test_the_units_add_up_to_the_request_budget():
    for steps in (plan(True), plan(False)):
        units = units_for(10_000, steps)
        cycle = sum(step.requests for step in steps)
        sent = (units // len(steps)) * cycle + sum(step.requests for step in steps[: units % len(steps)])
        assert 10_000 <= sent < 10_000 + cycle


def test_every_summary_unit_reads_a_summary_page_and_every_other_unit_logs_a_case():
    steps = plan(True)
    assert [step.name for step in steps] == ["log_case", "lmc_summaries", "trust_summary", "lead_summary"]
    assert [step.name for step in plan(False)] == ["log_case", "practice_list"]


class _StubClient:
    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.seen: list[tuple[str, dict]] = []

    def get(self, path: str) -> load.Response:
        self.seen.append((path, dict(self.cookies)))
        return load.Response(200, [], b"", 0.001)


def test_each_unit_is_sent_with_its_own_users_cookies():
    steps = plan(True)
    cookies = {"practice": {"s": "practice"}, "lmc": {"s": "lmc"}, "lead": {"s": "lead"}}
    paths = {"lmc_summaries": "/summaries", "trust_summary": "/summaries/trusts/RJ1", "lead_summary": "/summaries",
             "practice_list": "/reports"}
    scenario = mixed_scenario("test", steps, cookies, paths)
    client, recorder = _StubClient(), load.Recorder()
    for number in (1, 2, 3, 5):
        scenario(client, number, recorder)
    assert client.seen == [
        ("/summaries", {"s": "lmc"}), ("/summaries/trusts/RJ1", {"s": "lmc"}), ("/summaries", {"s": "lead"}),
        ("/summaries", {"s": "lmc"}),
    ]
    assert not recorder.failures
