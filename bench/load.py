"""A bounded load generator for a server on this machine (loopback only).

Each client is a thread with one keep-alive ``http.client`` connection and its own cookies.
A run stops at a number of units (a page fetch, or a whole "log a case") or at a time limit,
whichever comes first, and reports throughput, latency percentiles and status codes; any 5xx,
connection failure or unexpected answer counts as an error.

    .venv/bin/python -m bench.load --port 8123 --path /home --clients 16 --requests 2000 \\
        --email bench.practice@example.nhs.uk --password bench-password-2026

It refuses any host but 127.0.0.1 and localhost: it is for measuring our own server, never
for sending load anywhere else.
"""

from __future__ import annotations

import argparse
import html
import http.client
import math
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import count
from time import perf_counter
from urllib.parse import urlencode, urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})


class NotLoopback(ValueError):
    """The host is not this machine's loopback address."""


class SignInFailed(RuntimeError):
    pass


def ensure_loopback(host: str) -> str:
    """The host itself if it is 127.0.0.1 or localhost; anything else is refused."""
    if (host or "").strip().lower() not in LOOPBACK_HOSTS:
        raise NotLoopback(
            f"Refusing to send load to '{host}': the load generator only talks to 127.0.0.1 or localhost."
        )
    return host.strip().lower()


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location_path(self) -> str | None:
        location = self.header("Location")
        if not location:
            return None
        parts = urlsplit(location)
        return parts.path + (f"?{parts.query}" if parts.query else "")


class Client:
    """One keep-alive connection to the bench server, with its own cookie jar."""

    def __init__(self, host: str, port: int, cookies: Mapping[str, str] | None = None, timeout: float = 30):
        self.host = ensure_loopback(host)
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = dict(cookies or {})
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: Iterable[tuple[str, str]]) -> Response:
        return self.request("POST", path, urlencode(list(fields)).encode())

    def request(self, method: str, path: str, body: bytes | None = None) -> Response:
        headers = {"Host": f"{self.host}:{self.port}", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            connection = self._connect()
            started = perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = perf_counter() - started
            result = Response(response.status, response.getheaders(), data, seconds)
            self._keep_cookies(response.msg.get_all("Set-Cookie") or [])
            if response.will_close:
                self.close()
            return result
        raise AssertionError("unreachable")

    def follow(self, response: Response) -> Response:
        path = response.location_path
        if path is None:
            raise ValueError("the response has no Location to follow")
        return self.get(path)

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            pair, *attributes = header.split(";")
            name, _, value = pair.strip().partition("=")
            expired = any(
                a.strip().lower().startswith(("max-age=0", "expires=thu, 01 jan 1970")) for a in attributes
            )
            if expired or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value


# --- HTML forms ----------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # hidden and text inputs, as served
    choices: dict[str, list[str]] = field(default_factory=dict)  # radios and selects: the values offered
    chosen: dict[str, str] = field(default_factory=dict)  # radios checked and options selected
    textareas: dict[str, str] = field(default_factory=dict)
    submit: tuple[str, str] | None = None  # the first named submit button

    def names(self) -> set[str]:
        return {name for name, _ in self.fields} | set(self.choices) | set(self.textareas)

    def value(self, name: str) -> str | None:
        for key, value in self.fields:
            if key == name:
                return value
        return self.chosen.get(name, self.textareas.get(name))

    def filled(self, values: Mapping[str, str]) -> list[tuple[str, str]]:
        """What a browser would send after the user typed ``values`` (unknown names are ignored)."""
        sent: list[tuple[str, str]] = []
        for name, value in self.fields:
            sent.append((name, values.get(name, value)))
        for name, value in self.textareas.items():
            sent.append((name, values.get(name, value)))
        for name in self.choices:
            if name in values:
                sent.append((name, values[name]))
            elif name in self.chosen:
                sent.append((name, self.chosen[name]))
        if self.submit:
            sent.append(self.submit)
        return sent


# The tags a form is made of, and their attributes. A regular expression, not html.parser: the
# form page is parsed once per logged case, and html.parser's 3 ms of CPU a page was a quarter of
# the load generator's share of the machine, taken from the server it measures. Our own pages are
# well-formed (attribute values quoted and escaped, no scripts that spell out form tags).
_FORM_TAG = re.compile(
    r"<(/?)(form|input|select|option|textarea|button)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I
)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def _attributes(text: str) -> dict[str, str]:
    return {
        name.lower(): html.unescape(double or single or bare)
        for name, double, single, bare in _ATTRIBUTE.findall(text)
    }


def parse_forms(page: str) -> list[Form]:
    """Every form on the page, with the fields a browser would send from it."""
    forms: list[Form] = []
    select: str | None = None
    for match in _FORM_TAG.finditer(page):
        closing, tag, attribute_text = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if tag == "select":
                select = None
            continue
        a = _attributes(attribute_text)
        if tag == "form":
            forms.append(Form(action=a.get("action", ""), method=a.get("method", "get").lower()))
            continue
        if not forms:
            continue
        form = forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.chosen[name] = a.get("value", "on")
            elif kind == "submit":
                form.submit = form.submit or (name, a.get("value", ""))
            elif kind not in ("button", "image", "reset", "file"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "button" and name and a.get("type", "submit").lower() == "submit":
            form.submit = form.submit or (name, a.get("value", ""))
        elif tag == "select" and name:
            select = name
            form.choices.setdefault(name, [])
        elif tag == "option" and select:
            value = a.get("value", "")
            form.choices[select].append(value)
            if "selected" in a:
                form.chosen[select] = value
        elif tag == "textarea" and name:
            closed = page.find("</textarea", match.end())
            form.textareas[name] = html.unescape(page[match.end():closed if closed >= 0 else len(page)])
    return forms


def form_with(page: str, field_name: str) -> Form | None:
    """The first form on the page that has a field called ``field_name``."""
    return next((form for form in parse_forms(page) if field_name in form.names()), None)


# --- Signing in ----------------------------------------------------------------------------

# The last two-factor step used per secret: a code is accepted only once.
_used_steps: dict[str, int] = {}
_steps_lock = threading.Lock()


def _fresh_totp_code(secret: str) -> str:
    import pyotp

    with _steps_lock:
        step = int(time.time()) // 30
        if _used_steps.get(secret, -1) >= step:
            time.sleep((step + 1) * 30 - time.time() + 0.2)
            step = int(time.time()) // 30
        _used_steps[secret] = step
    return pyotp.TOTP(secret).at(step * 30)


def sign_in(client: Client, email: str, password: str, totp_secret: str | None = None) -> None:
    """Sign the client in through the real form (CSRF token included), with a code if asked."""
    page = client.get("/sign-in")
    form = form_with(page.text, "password")
    if page.status != 200 or form is None:
        raise SignInFailed(f"GET /sign-in answered {page.status} without a sign-in form")
    answer = client.post(form.action or "/sign-in", form.filled({"email": email, "password": password}))
    if answer.status not in (302, 303):
        raise SignInFailed(f"signing in as {email} answered {answer.status}: check the email and password")
    path = answer.location_path or ""
    if "/sign-in/" in path:  # a second step: the code from the authenticator app
        if not totp_secret:
            raise SignInFailed(f"{email} needs a two-factor code and no secret was given")
        page = client.get(path)
        form = form_with(page.text, "code")
        if form is None:
            raise SignInFailed(f"{path} answered {page.status} without a code form")
        answer = client.post(form.action or path, form.filled({"code": _fresh_totp_code(totp_secret)}))
        if answer.status not in (302, 303) or "/sign-in" in (answer.location_path or ""):
            raise SignInFailed(f"the two-factor code for {email} was refused ({answer.status})")


def signed_in_cookies(host: str, port: int, email: str, password: str, totp_secret: str | None = None) -> dict[str, str]:
    """Sign in once and return the cookies, for every client to start from.

    Once, not per client: sign-in is throttled and a two-factor code works only once.
    """
    client = Client(host, port)
    try:
        sign_in(client, email, password, totp_secret)
        return dict(client.cookies)
    finally:
        client.close()


# --- Running load --------------------------------------------------------------------------


class Recorder:
    """One client's measurements: per step, the status codes and latencies; and failures."""

    def __init__(self):
        self.latencies: dict[str, list[float]] = {}
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.succeeded: Counter[str] = Counter()  # answers as expected, per step
        self.units = 0
        self.unit_seconds: list[float] = []

    def record(self, step: str, response: Response, expected: Iterable[int] = (200,)) -> bool:
        self.latencies.setdefault(step, []).append(response.seconds)
        self.statuses[response.status] += 1
        if response.status not in tuple(expected):
            self.failures.append(f"{step}: answered {response.status}")
            return False
        self.succeeded[step] += 1
        return True

    def fail(self, message: str) -> None:
        self.failures.append(message)


Scenario = Callable[[Client, int, Recorder], None]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` 0.95 for p95) of unsorted values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


@dataclass
class LoadResult:
    name: str
    clients: int
    seconds: float
    units: int
    statuses: Counter
    latencies: dict[str, list[float]]
    unit_seconds: list[float]
    failures: list[str]
    succeeded: Counter

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]

    @property
    def errors(self) -> int:
        """Unexpected answers (every 5xx among them) and connection failures."""
        return len(self.failures)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def ms(self, fraction: float, step: str | None = None) -> float:
        values = self.latencies.get(step, []) if step else self.all_latencies
        return percentile(values, fraction) * 1000

    @classmethod
    def merged(cls, results: list[LoadResult]) -> LoadResult:
        """Several windows of the same load as one (their seconds and requests added)."""
        latencies: dict[str, list[float]] = {}
        for result in results:
            for step, values in result.latencies.items():
                latencies.setdefault(step, []).extend(values)
        return cls(results[0].name, results[0].clients, sum(r.seconds for r in results), sum(r.units for r in results),
                   sum((r.statuses for r in results), Counter()), latencies,
                   [value for r in results for value in r.unit_seconds], [f for r in results for f in r.failures],
                   sum((r.succeeded for r in results), Counter()))

    def lines(self, prefix: str) -> list[str]:
        lines = [
            f"{prefix}.rps {self.rps:.0f} req/s",
            f"{prefix}.p50 {self.ms(0.5):.1f} ms",
            f"{prefix}.p95 {self.ms(0.95):.1f} ms",
            f"{prefix}.p99 {self.ms(0.99):.1f} ms",
            f"{prefix}.requests {self.requests} count",
            f"{prefix}.errors {self.errors} count",
            f"{prefix}.server_errors {self.server_errors} count",
            f"{prefix}.statuses {','.join(f'{s}x{n}' for s, n in sorted(self.statuses.items()))} codes",
        ]
        return lines


def run_load(
    host: str,
    port: int,
    scenario: Scenario,
    *,
    name: str = "load",
    clients: int = 16,
    units: int = 2000,
    time_limit: float = 20.0,
    cookies: Mapping[str, str] | None = None,
    warmup_clients: int = 4,
    timeout: float = 120.0,
) -> LoadResult:
    """Run ``scenario`` from ``clients`` threads until ``units`` are done or ``time_limit`` passes.

    The first ``warmup_clients`` clients each do one unit unmeasured first (so that every
    worker has compiled its templates and opened its database connections; not all 16, which
    would cost minutes on a slow page), then all start together. A request that takes longer
    than ``timeout`` seconds counts as an error.
    """
    ensure_loopback(host)
    if clients < 1 or units < 1 or time_limit <= 0:
        raise ValueError("clients, units and time_limit must be positive")
    numbers = count()
    ready = threading.Barrier(clients + 1)
    recorders = [Recorder() for _ in range(clients)]
    state = {"deadline": float("inf")}

    def work(index: int) -> None:
        client = Client(host, port, cookies, timeout=timeout)
        recorder = recorders[index]
        try:
            if index < warmup_clients:
                _safely(scenario, client, -1 - index, Recorder())
        finally:
            ready.wait()
        try:
            while time.monotonic() < state["deadline"]:
                number = next(numbers)
                if number >= units:
                    break
                started = perf_counter()
                if _safely(scenario, client, number, recorder):
                    recorder.units += 1
                    recorder.unit_seconds.append(perf_counter() - started)
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(i,), name=f"bench-client-{i}", daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = perf_counter()
    state["deadline"] = time.monotonic() + time_limit
    for thread in threads:
        thread.join()
    seconds = perf_counter() - started

    statuses: Counter = Counter()
    latencies: dict[str, list[float]] = {}
    failures: list[str] = []
    unit_seconds: list[float] = []
    succeeded: Counter = Counter()
    for recorder in recorders:
        statuses.update(recorder.statuses)
        succeeded.update(recorder.succeeded)
        for step, values in recorder.latencies.items():
            latencies.setdefault(step, []).extend(values)
        failures += recorder.failures
        unit_seconds += recorder.unit_seconds
    return LoadResult(name, clients, seconds, sum(r.units for r in recorders), statuses, latencies,
                      unit_seconds, failures, succeeded)


def _safely(scenario: Scenario, client: Client, number: int, recorder: Recorder) -> bool:
    """Run one unit; a connection failure is recorded as an error, never raised."""
    failures_before = len(recorder.failures)
    try:
        scenario(client, number, recorder)
    except (OSError, http.client.HTTPException) as error:
        client.close()
        recorder.fail(f"connection: {type(error).__name__}: {error}")
    return len(recorder.failures) == failures_before


# --- Scenarios -----------------------------------------------------------------------------


def fetch_pages(paths: list[str]) -> Scenario:
    """Each unit fetches one path, taking the paths in turn; anything but 200 is a failure."""

    def scenario(client: Client, number: int, recorder: Recorder) -> None:
        path = paths[number % len(paths)]
        recorder.record("get", client.get(path))

    return scenario


# What the bench types into the quick form; the description carries a unique marker.
CASE_VALUES = {
    "trust_code": "RJ1",
    "specialty_code": "320",
    "source": "clinic-letter",
    "category_slug": "investigations",
    "action_taken": "done-under-protest",
    "patient_impact": "delay",
    "minutes_gp": "10",
    "minutes_admin": "5",
}
CASE_TEXT = "Cardiology letter: GP to arrange echo before review"


def new_run(prefix: str = "run") -> str:
    """A name for this run's cases, unique per second: ``<prefix>`` and the time in letters.

    Letters, so that a case's only digits are its number: the time's digits beside it could
    spell a valid NHS number (ten decimal digits, about one second in eleven; or six hex
    digits and a four-digit case number), which the identifier guard rightly refuses.
    """
    seconds, letters = int(time.time()), ""
    while seconds:
        seconds, digit = divmod(seconds, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return f"{prefix}{letters}"


def case_marker(run: str, number: int) -> str:
    """``bench-<run>-<n>`` for measured cases; warm-up cases (negative numbers) get ``-w<n>``."""
    return f"bench-{run}-{number}" if number >= 0 else f"bench-{run}-w{-number}"


def log_cases(run: str, form_path: str = "/reports/new", values: Mapping[str, str] | None = None) -> Scenario:
    """Each unit logs one case as a user would: GET the form, POST it, follow the redirect.

    The description ends with ``(bench-<run>-<n>)`` so that the cases can be counted afterwards:
    every POST answered with a redirect (``succeeded["post"]``) must be one report.
    """
    typed = {**CASE_VALUES, **(values or {})}

    def scenario(client: Client, number: int, recorder: Recorder) -> None:
        page = client.get(form_path)
        if not recorder.record("form", page):
            return
        form = form_with(page.text, "submission_token") or form_with(page.text, "description")
        if form is None:
            recorder.fail("form: no report form on the page")
            return
        description = f"{CASE_TEXT} ({case_marker(run, number)})"
        answer = client.post(form.action or form_path, form.filled({**typed, "description": description}))
        if not recorder.record("post", answer, expected=(302, 303)):
            if answer.status == 200:
                recorder.failures[-1] += f" (form not accepted: {_first_error(answer.text)})"
            return
        recorder.record("redirect", client.follow(answer))

    return scenario


def _first_error(html: str) -> str:
    """The first message of the page's NHS.UK error summary (or of an inline error message)."""
    summary = re.search(r'nhsuk-error-summary__list.*?<a[^>]*>(.*?)</a>', html, re.S)
    # <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">Error:</span> Message</span>
    inline = re.search(r'class="nhsuk-error-message"[^>]*>(.*?</span>.*?)</span>', html, re.S)
    match = summary or inline
    if not match:
        return "no error message found"
    message = re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()
    return message.removeprefix("Error:").strip()[:160]


# --- Command line --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", action="append", help="a path to fetch (repeat for a mix)")
    parser.add_argument("--log-case", action="store_true", help="log cases through the quick form")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000, help="units to run at most")
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds to run at most")
    parser.add_argument("--email")
    parser.add_argument("--password")
    parser.add_argument("--totp-secret")
    parser.add_argument("--database-url", help="with --log-case: count the saved cases there afterwards, "
                        "then remove every bench-logged case")
    args = parser.parse_args(argv)
    try:
        ensure_loopback(args.host)
    except NotLoopback as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    if not args.path and not args.log_case:
        parser.error("give --path (one or more) or --log-case")
    cookies = {}
    if args.email:
        cookies = signed_in_cookies(args.host, args.port, args.email, args.password or "", args.totp_secret)
    run = new_run()
    scenario = log_cases(run) if args.log_case else fetch_pages(args.path)
    result = run_load(args.host, args.port, scenario, clients=args.clients, units=args.requests,
                      time_limit=args.time_limit, cookies=cookies)
    for line in result.lines("load"):
        print(line)
    for failure in result.failures[:5]:
        print(f"# {failure}", file=sys.stderr)
    if args.log_case:
        saved = result.succeeded["post"]
        print(f"load.cases_saved {saved} count")
        if args.database_url:
            from bench.run_all import count_and_remove_cases  # run_all builds on this module

            missing = saved - count_and_remove_cases(args.database_url, run)
            print(f"load.cases_missing {missing} count")
            return 1 if missing else 0
        print(f"# cases are marked (bench-{run}-<n>) in their descriptions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
