"""The Python reference pipeline: what many users would reach for instead.

Fetch every source with urllib on a ThreadPoolExecutor (the same concurrency
as infrawire), parse each body with Debian's python3-feedparser, count the
items. No store, no curation, no conditional GET.

Usage: feedparser_pipeline.py SETUP_JSON_FILE
Prints one JSON object (the PhaseResult shape of bench/pipelines/types.ts,
plus peakRssMB and versions) on stdout. A failed source is counted and its
reason kept, never raised.
"""
import concurrent.futures
import json
import resource
import sys
import time
import urllib.request

import feedparser

MAX_REPORTED_ERRORS = 5


def fetch_and_parse(url):
    with urllib.request.urlopen(url, timeout=60) as res:
        body = res.read()
    return len(feedparser.parse(body).entries)


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        setup = json.load(f)
    sources = setup["sources"]
    errors = []
    items = 0
    ok = 0
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=setup["concurrency"]) as pool:
        futures = {pool.submit(fetch_and_parse, setup["serverUrl"] + s["path"]): s["name"] for s in sources}
        for future in concurrent.futures.as_completed(futures):
            try:
                items += future.result()
                ok += 1
            except Exception as err:  # one broken source never stops the run
                if len(errors) < MAX_REPORTED_ERRORS:
                    errors.append("%s: %s" % (futures[future], err))
    wall_ms = (time.perf_counter() - t0) * 1000
    cpu_ms = (cpu_seconds() - cpu0) * 1000
    print(json.dumps({
        "wallMs": wall_ms,
        "cpuMs": cpu_ms,
        "sources": len(sources),
        "sourcesOk": ok,
        "items": items,
        "errors": errors,
        # ru_maxrss is in KiB on Linux
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "python": sys.version.split()[0],
        "feedparser": feedparser.__version__,
    }))


if __name__ == "__main__":
    main()
