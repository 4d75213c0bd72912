"""Nightly runs that fetch what is due: an outlet's scripted changes over simulated nights, each one
seen once as an event and a version, and fewer requests a night as pages settle (the full month:
python -m benchmarks.revisit_month)."""
from warehouse.db import open_snapshot

from testkit.outlet import BLANK, EDIT, EVENT_OF, REDIRECT, REMOVE, ScriptedOutlet, week_script
from testkit.revisit_month import (SimulatedClock, month_night, month_problems, month_settings, run_night,
                                   write_seed)

ARTICLES, NIGHTS = 30, 10

# the analysts' queries of docs/analysts.md, run here as written there
WHAT_CHANGED_LAST_NIGHT = """
SELECT e.event, e.url, a.title, e."at", e.detail
FROM article_events e
JOIN articles a USING (doc_id)
WHERE e.run_id = (SELECT run_id FROM runs WHERE flow = 'nightly' AND status = 'completed'
                  ORDER BY started_at DESC LIMIT 1)
  AND e.event <> 'first_seen'
ORDER BY e.event, e.url
"""
EDITED_MORE_THAN_ONCE = """
SELECT a.url, a.title, count(*) AS edits, min(e."at") AS first_edit, max(e."at") AS last_edit,
       a.version AS versions
FROM article_events e
JOIN articles a USING (doc_id)
WHERE e.event = 'edited'
GROUP BY a.url, a.title, a.version
HAVING count(*) > 1
ORDER BY edits DESC, a.url
"""
TAKEN_DOWN_SINCE_THE_SEED = """
SELECT DISTINCT s.seed_id, s.published_at AS seed_published_at, c.url, e.event, e."at" AS taken_down_at, e.detail,
       a.status AS status_now, a.warc_file, a.warc_offset
FROM seeds s
JOIN citations c USING (seed_id)
JOIN article_events e ON e.url = c.url
JOIN articles a ON a.doc_id = e.doc_id
WHERE e.event IN ('removed', 'redirected_away', 'blanked')
  AND e."at" >= s.published_at
ORDER BY s.seed_id, e."at", c.url
"""


def test_a_scripted_outlet_over_ten_nights(server, tmp_path):
    outlet = ScriptedOutlet(server, ARTICLES, week_script(ARTICLES))
    clock = SimulatedClock()
    settings = month_settings(tmp_path, clock)
    seeds = write_seed(tmp_path / "seeds", outlet.urls())

    reports, requests, changed_each_night = [], [], []
    for night in range(1, NIGHTS + 1):
        report, served = run_night(outlet, settings, seeds, clock, night)
        reports.append(report)
        requests.append(served)
        with open_snapshot(settings.db_path) as con:
            changed_each_night.append(con.execute(WHAT_CHANGED_LAST_NIGHT).fetchall())

    assert month_problems(settings.db_path, outlet) == []  # every change seen, once; no extra version
    assert requests[0] == ARTICLES + 2  # every article, robots.txt and the host's not-found probe
    assert requests[-1] <= 0.15 * requests[0], requests
    assert sum(requests[5:]) < sum(requests[:5]), requests
    planned = [(r.planned["new"], r.planned["revisit"], r.planned["retry"]) for r in reports]
    assert planned[0] == (ARTICLES, 0, 0) and planned[1] == (0, ARTICLES, 0)
    assert all(new == 0 for new, _, _ in planned[1:])

    with open_snapshot(settings.db_path) as con:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        assert q("SELECT planned_new, planned_revisit, planned_retry, urls_planned FROM runs ORDER BY started_at") == [
            (*p, sum(p)) for p in planned]
        # a URL that still serves its article waits for its next check; a taken-down one for its retry
        assert q("SELECT count(*) FROM schedule WHERE next_check_at IS NULL OR reason = 'new'") == [(0,)]
        assert q("SELECT count(*) FROM articles a JOIN schedule s USING (url) WHERE a.next_check_at <> s.next_check_at"
                 ) == [(0,)]

        # each night's "what changed" holds that night's events; together, every scripted change
        for night, rows in enumerate(changed_each_night, start=1):
            assert all(at == month_night(night) for _, _, _, at, _ in rows)
        seen = sorted((url, event) for rows in changed_each_night for event, url, *_ in rows)
        assert seen == sorted((outlet.urls()[i], EVENT_OF[c]) for i, changes in outlet.script.items() for _, c in changes)
        twice = {outlet.urls()[i] for i, changes in outlet.script.items() if [c for _, c in changes].count(EDIT) > 1}
        assert {url for url, *_ in q(EDITED_MORE_THAN_ONCE)} == twice and twice
        taken_down = {(outlet.urls()[i], {REMOVE: "removed", REDIRECT: "redirected_away", BLANK: "blanked"}[c])
                      for i, changes in outlet.script.items() for _, c in changes if c in (REMOVE, REDIRECT, BLANK)}
        rows = q(TAKEN_DOWN_SINCE_THE_SEED)
        assert {(url, event) for _, _, url, event, *_ in rows} == taken_down
        assert all(warc_file is not None for *_, warc_file, _ in rows)  # the last good bytes, in the raw archive
