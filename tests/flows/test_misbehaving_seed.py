"""The must-show: `mediamon run` over a seed citing ~30 misbehaving loopback URLs completes, every URL decided."""
import pytest

from testkit.misbehaving_seed import FAST_DRIP_EVERY, FAST_SETTINGS, report, run_scenario

pytestmark = pytest.mark.slow  # a real mediamon run against misbehaving servers


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, prefect_server):
    api, _, _ = prefect_server  # the run reports to the session's Prefect server (tests/conftest.py: cli_prefect)
    return run_scenario(tmp_path_factory.mktemp("misbehaving"), {**FAST_SETTINGS, "PREFECT_API_URL": api},
                        FAST_DRIP_EVERY)


def by_kind(scenario):
    return {case.kind: case for case in scenario.cases}


def test_the_run_completes_cleanly_and_in_time(scenario):
    assert scenario.exit_code == 0, scenario.output[-2000:]
    assert "Traceback" not in scenario.output
    assert scenario.seconds < 240


def test_every_url_ends_as_expected(scenario):
    assert len(scenario.cases) >= 25
    unexpected = {c.kind: (c.expected, c.attempts) for c in scenario.cases if c.verdict != c.expected}
    assert not unexpected, report(scenario)


def test_recoverable_failures_end_as_articles(scenario):
    cases = by_kind(scenario)
    assert cases["503_twice_then_200"].attempts == ("http_error", "http_error", "ok")
    assert cases["429_then_200"].attempts == ("http_error", "ok")
    assert cases["408_then_200"].attempts == ("http_error", "ok")
    for kind in ("503_twice_then_200", "429_then_200", "redirect_chain"):
        assert "municipal council" in cases[kind].text


def test_what_the_server_was_asked(scenario):
    cases = by_kind(scenario)
    assert scenario.robots_requests == 1
    assert cases["robots_disallowed"].requests == 0
    assert cases["404"].requests == cases["410"].requests == 1
    assert cases["500_always"].requests == 3 and cases["500_always"].attempts == ("http_error",) * 3
    assert cases["503_twice_then_200"].requests == 3
    assert cases["hang"].attempts == ("timeout",) * 3
    assert cases["drip_body"].attempts == cases["drip_headers"].attempts == ("timeout",) * 3
    for kind in ("gzip_bomb", "huge_declared", "huge_undeclared", "pdf", "image"):
        assert cases[kind].requests == 1, kind  # final outcomes are not retried


def test_the_three_charset_cases_and_a_misdeclared_one_decode(scenario):
    cases = by_kind(scenario)
    for kind in ("cp1251_header", "cp1254_meta", "cp1251_undeclared", "cp1254_misdeclared"):
        assert cases[kind].contains in cases[kind].text, kind
