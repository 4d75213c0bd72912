"""Settings from MEDIAMON_* variables: every value checked for range and form before anything runs."""
import ipaddress
from pathlib import Path

import pytest

from core.errors import SettingsError
from core.settings import ENVIRONMENT_VARIABLES, Settings, load_settings
from fetch.guard import AllowList

# every variable: values refused (with a word of the reason), then a value taken and what it becomes
CASES = {
    "MEDIAMON_DB": ([], "~/m.duckdb", Path.home() / "m.duckdb"),
    "MEDIAMON_SEEDS": ([], "seeds", Path("seeds")),
    "MEDIAMON_ARCHIVE_DIR": ([], "/srv/archive/", Path("/srv/archive")),
    "MEDIAMON_CONTACT_URL": (["example.org", "https://пример.рф/contact", "https://a b"], "mailto:ops@example.org",
                             None),
    "MEDIAMON_USER_AGENT": (["bot/1\r\nX-Injected: 1", "бот/1.0", "x" * 1001], "mybot/1.0 (+https://example.org)",
                            "mybot/1.0 (+https://example.org)"),
    "MEDIAMON_PER_HOST_CONCURRENCY": (["0", "1.5", "1e3", "1001", "two"], " 4 ", 4),
    "MEDIAMON_PER_HOST_DELAY": (["nan", "-1", "inf", "3601", "1e400", "soon"], "0.5", 0.5),
    "MEDIAMON_CONNECT_TIMEOUT": (["1e400", "0", "-5", "nan", "3601"], "2.5", 2.5),
    "MEDIAMON_READ_TIMEOUT": (["0", "inf", "1e309"], "30", 30.0),
    "MEDIAMON_TOTAL_TIMEOUT": (["0", "86401", "-inf"], "120", 120.0),
    "MEDIAMON_MAX_BYTES": (["0", "10MB", "1e7", str((1 << 32) + 1)], "5000000", 5_000_000),
    "MEDIAMON_MAX_REDIRECTS": (["0", "101"], "5", 5),
    "MEDIAMON_ALLOW_HOSTS": (["127.0.0.1:8765", "[::1]:8080", "localhost:80", "http://127.0.0.1", "10.0.0.0/33",
                              "*.example.org", "a..b", "exa mple.org", "-bad.example"],
                             "127.0.0.1, [::1], 10.0.0.0/8, Example.ORG., пример.рф",
                             ("127.0.0.1", "::1", "10.0.0.0/8", "example.org", "xn--e1afmkfd.xn--p1ai")),
    "MEDIAMON_WAYBACK_URL": (["http://", "ftp://archive.example", "web.archive.org", "http://x:99999"],
                             "http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
    "MEDIAMON_WAYBACK": (["maybe"], "off", False),
    "MEDIAMON_NOT_FOUND_PROBE": (["maybe"], "off", False),
    "MEDIAMON_WAYBACK_ON": (["302", "ok", "gone"], "timeout,404", ("timeout", "404")),
    "MEDIAMON_WARC_MAX_BYTES": (["0", "1GB"], "1500", 1500),
    "MEDIAMON_FETCH_WORKERS": (["0", "100000"], "8", 8),
    "MEDIAMON_BATCH_SIZE": (["0", "2000000"], "100", 100),
    "MEDIAMON_NEAR_THRESHOLD": (["0", "1.5", "nan"], "0.8", 0.8),
    "MEDIAMON_LANGUAGE_SAMPLE_CHARS": (["0", "-1"], "500", 500),
    "MEDIAMON_PUBLISH_INTERVAL": (["-1", "inf", "nan"], "0", 0.0),
    "MEDIAMON_CPU_WORKERS": (["-1", "257", "all"], "0", 0),
    "MEDIAMON_PROGRESS_INTERVAL": (["0", "-5", "nan", "1e400"], "5", 5.0),
    "MEDIAMON_PREFECT_START_TIMEOUT": (["0", "inf", "soon"], "600", 600.0),
    "MEDIAMON_REVISIT_MAX_DAYS": (["0", "-1", "3651", "weekly"], "8", 8),
    "MEDIAMON_REVISIT_UNTIL_DAYS": (["0", "36501", "nan"], "30", 30),
    "MEDIAMON_RETRY_MAX_DAYS": (["0", "3651", "1.5"], "4", 4),
    "MEDIAMON_RETRY_UNTIL_DAYS": (["0", "36501", "soon"], "20", 20),
    "MEDIAMON_NIGHTLY_CRON": (["tonight", "0 2 * *", "0 2 * * * *"], "30  3 * * 1-5", "30 3 * * 1-5"),
    "MEDIAMON_DB_MEMORY_LIMIT": (["1KB", "0MB", "lots", "512"], "1.5GB", "1.5GB"),
    "MEDIAMON_MAX_ATTEMPTS": (["0", "101"], "2", 2),
    "MEDIAMON_BACKOFF_BASE": (["-0.1", "nan"], "0.05", 0.05),
    "MEDIAMON_RETRY_AFTER_CAP": (["inf"], "5", 5.0),
    "MEDIAMON_MAX_CRAWL_DELAY": (["nan", "86401"], "30", 30.0),
    "MEDIAMON_SHARD_STORAGE": (["s 3://bucket"], "s3://bucket/shards", "s3://bucket/shards"),
    "MEDIAMON_SHARD_HEARTBEAT_TIMEOUT": (["0", "inf"], "40", 40.0),
    "MEDIAMON_SHARD_ATTEMPTS": (["0"], "5", 5),
}


def test_every_setting_is_checked_here():
    assert sorted(CASES) == sorted(ENVIRONMENT_VARIABLES)


@pytest.mark.parametrize("name, bad", [(name, bad) for name, (refused, _, _) in CASES.items() for bad in refused])
def test_a_value_out_of_range_or_form_is_refused(name, bad):
    with pytest.raises(SettingsError) as refused:
        load_settings({name: bad})
    message = str(refused.value)
    assert message.startswith(f"{name}={bad!r} is not valid: ") and "\n" not in message
    assert len(message.split(": ", 1)[1]) > 10   # says what a value must be


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_good_value_is_taken(name):
    _, good, expected = CASES[name]
    field = {"MEDIAMON_DB": "db_path", "MEDIAMON_SEEDS": "seeds_dir", "MEDIAMON_ARCHIVE_DIR": "archive_dir",
             "MEDIAMON_CONTACT_URL": "user_agent"}.get(name, name.removeprefix("MEDIAMON_").lower())
    value = getattr(load_settings({name: good}), field)
    if expected is None:
        assert value != Settings().user_agent and good in value
    else:
        assert value == expected


def test_the_allowed_hosts_are_in_the_form_the_guard_matches():
    allow = AllowList.parse(load_settings({"MEDIAMON_ALLOW_HOSTS": "[::1], Пример.РФ, Localhost., 10.1.0.0/16"}).allow_hosts)
    assert allow.allows("whatever", ipaddress.ip_address("::1"))
    assert allow.allows("xn--e1afmkfd.xn--p1ai", ipaddress.ip_address("10.9.9.9"))   # the name as requests sends it
    assert allow.allows("localhost", ipaddress.ip_address("127.0.0.1"))
    assert allow.allows("db.internal", ipaddress.ip_address("10.1.2.3"))
    assert not allow.allows("db.internal", ipaddress.ip_address("10.2.0.1"))
