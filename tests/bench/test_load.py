"""The load generator: loopback only, and counting what a small local server answers."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load
from tracker import privacy
from bench.load import Client, NotLoopback, ensure_loopback, form_with, percentile, run_load


@pytest.mark.parametrize("host", ["example.com", "10.0.0.5", "0.0.0.0", "192.168.1.10", "::1", "127.0.0.2", ""])
def test_refuses_any_host_but_loopback(host):
    with pytest.raises(NotLoopback, match="only talks to 127.0.0.1 or localhost"):
        ensure_loopback(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_accepts_loopback(host):
    assert ensure_loopback(host) == host.lower()


def test_client_and_run_refuse_a_remote_host_before_connecting():
    with pytest.raises(NotLoopback):
        Client("nhs.uk", 443)
    with pytest.raises(NotLoopback):
        run_load("example.org", 80, load.fetch_pages(["/"]), clients=1, units=1, time_limit=1)


def test_command_line_refuses_a_remote_host(capsys):
    assert load.main(["--host", "example.org", "--port", "80", "--path", "/"]) == 2
    assert "only talks to 127.0.0.1 or localhost" in capsys.readouterr().err


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's threaded workers do

    def do_GET(self):
        status = {"/ok": 200, "/boom": 500}.get(self.path.split("?")[0], 404)
        body = (self.headers.get("Cookie") or "no cookie").encode()
        self.send_response(status)
        if self.path == "/ok?set":
            self.send_header("Set-Cookie", "session=abc; Path=/; HttpOnly")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_counts_requests_statuses_and_server_errors(local_server):
    result = run_load("127.0.0.1", local_server, load.fetch_pages(["/ok", "/ok", "/boom"]),
                      clients=3, units=30, time_limit=10)
    assert result.units + len(result.failures) == 30
    assert result.statuses == {200: 20, 500: 10}
    assert result.server_errors == 10 and result.errors == 10
    lines = result.lines("demo")
    assert "demo.errors 10 count" in lines
    assert all(len(line.split()) >= 3 for line in lines)


def test_stops_at_the_time_limit_even_with_units_left(local_server):
    result = run_load("127.0.0.1", local_server, load.fetch_pages(["/ok"]), clients=2, units=10**9,
                      time_limit=0.3)
    assert 0 < result.requests < 10**9
    assert result.seconds < 5


def test_client_keeps_cookies_the_server_sets(local_server):
    client = Client("127.0.0.1", local_server)
    client.get("/ok?set")
    assert client.get("/ok").text == "session=abc"
    client.close()


def test_form_parsing_keeps_hidden_fields_and_fills_what_the_user_types():
    html = """
      <form method="post" action="/reports/new">
        <input type="hidden" name="csrf_token" value="tok-1">
        <input type="hidden" name="submission_token" value="abc123">
        <input name="received_on-day" value="3">
        <select name="trust_code"><option value="">Choose</option><option value="RJ1" selected>Guy's</option></select>
        <input type="radio" name="source" value="clinic-letter"><input type="radio" name="source" value="ed-letter">
        <textarea name="description">typed</textarea>
        <button type="submit" name="action" value="save">Save</button>
        <button type="submit" name="action" value="save-another">Save and log another</button>
      </form>"""
    form = form_with(html, "submission_token")
    sent = dict(form.filled({"source": "ed-letter", "description": "Echo please"}))
    assert sent == {
        "csrf_token": "tok-1", "submission_token": "abc123", "received_on-day": "3", "trust_code": "RJ1",
        "source": "ed-letter", "description": "Echo please", "action": "save",
    }


def test_form_parsing_reads_values_as_a_browser_would():
    html = """
      <form method="get" action="/search"><input name="q" value="elsewhere"></form>
      <form method='POST' action='/reports/1/edit'>
        <input type=hidden name=version value=7>
        <input name="independent_provider" value="Smith &amp; Jones &quot;Clinic&quot;" data-note="a > b">
        <input type="checkbox" name="tidy" checked>
        <input type="file" name="upload"><input type="submit" name="go" value="Go">
        <select name="specialty_code"><option value="100">Surgery</option><option value="320" selected>Cardiology</option></select>
        <textarea name="description" rows="3">GP to &lt;arrange&gt; an echo</textarea>
      </form>"""
    form = form_with(html, "version")
    assert form.method == "post" and form.action == "/reports/1/edit"
    assert form.choices["specialty_code"] == ["100", "320"]
    assert dict(form.filled({})) == {
        "version": "7", "independent_provider": 'Smith & Jones "Clinic"', "description": "GP to <arrange> an echo",
        "tidy": "on", "specialty_code": "320", "go": "Go",
    }


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([3.0], 0.99) == 3.0


def test_case_markers_tell_measured_cases_from_warm_up_cases():
    assert load.case_marker("run1", 7) == "bench-run1-7"
    assert load.case_marker("run1", -2) == "bench-run1-w2"


def test_case_markers_never_look_like_a_patient_identifier(monkeypatch):
    # With the time in digits, some seconds' cases are refused as holding an NHS number.
    assert privacy.scan(f"{load.CASE_TEXT} (bench-1764003403-7)")
    assert privacy.scan(f"{load.CASE_TEXT} (bench-run6b052830-1500)")
    runs = set()
    for second in range(1_790_000_000, 1_790_000_000 + 366 * 86_400, 3_593):  # a year, about hourly
        monkeypatch.setattr(load.time, "time", lambda second=second: float(second))
        runs.add(load.new_run())
        for number in (0, 7, 1234, 12345, -3):
            description = f"{load.CASE_TEXT} ({load.case_marker(load.new_run(), number)})"
            assert not privacy.scan(description), description
    assert len(runs) == 366 * 86_400 // 3_593 + 1  # a different name every time


def test_a_refused_form_is_explained_by_its_first_error_message():
    summary = ('<div class="nhsuk-error-summary"><ul class="nhsuk-list nhsuk-error-summary__list">'
               '<li><a href="#description">Enter what the hospital asked for</a></li></ul></div>')
    inline = ('<span class="nhsuk-error-message" id="trust-error">'
              '<span class="nhsuk-u-visually-hidden">Error:</span> Choose a trust</span>')
    assert load._first_error(summary) == "Enter what the hospital asked for"
    assert load._first_error(inline) == "Choose a trust"
    assert load._first_error("<p>Saved</p>") == "no error message found"
