"""The README's screenshots of the Dagster UI, taken in a real browser from a running `srpipeline ui`.

After `make demo`, with `make ui` running in another terminal:

    .venv/bin/pip install -e ".[docs]"
    .venv/bin/python docs/screenshots.py --chromium /usr/bin/chromium

Playwright drives the given Chromium (none is downloaded). Each picture waits for the page's own
text, so a page that did not render fails the script instead of giving a blank image.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import requests
from playwright.sync_api import Page, sync_playwright

IMAGES = Path(__file__).with_name("images")
LOCATION = "srpipeline"

RUNS = """
query ($job: String!) {
  runsOrError(filter: {pipelineName: $job}) { ... on Runs { results { runId } } }
}
"""


def first_run(url: str, job: str) -> str:
    """The id of the oldest run of ``job`` (the demo's first sync), from the webserver's GraphQL API."""
    answer = requests.post(f"{url}/graphql", json={"query": RUNS, "variables": {"job": job}}, timeout=30)
    answer.raise_for_status()
    results = answer.json()["data"]["runsOrError"]["results"]
    if not results:
        raise SystemExit(f"no run of job {job} in this Dagster home: run `make demo` first")
    return results[-1]["runId"]


def shoot(page: Page, url: str, name: str, wait_for: str, *, log_filter: str = "") -> None:
    page.goto(url, wait_until="networkidle")
    skip = page.get_by_role("button", name="Skip")  # Dagster's "Join the community" dialog
    if skip.count():
        skip.click()
    if log_filter:  # a run's page: show only the log lines that hold this text
        page.get_by_placeholder("Filter").first.fill(log_filter)
    page.get_by_text(wait_for, exact=False).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1_500)  # let charts and the lineage layout settle
    page.screenshot(path=IMAGES / f"{name}.png")
    print(f"{IMAGES / name}.png: {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:3000", help="the running Dagster UI")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the browser to drive")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    sync_run = first_run(url, "sync")
    yesterday = (date.today() - timedelta(days=1)).isoformat()  # a whole day (near enough in any zone)
    IMAGES.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        shoot(page, f"{url}/locations/{LOCATION}/asset-groups/shoprenter", "asset-lineage", "status_mapping")
        shoot(
            page,
            f"{url}/assets/orders?view=partitions&partition={yesterday}",
            "orders-partition",
            "Rows inserted",
        )
        shoot(page, f"{url}/assets/orders?view=overview", "orders-columns", "Columns")
        shoot(page, f"{url}/assets/status_mapping?view=checks", "status-mapping-check", "every_active_status")
        shoot(page, f"{url}/locations/{LOCATION}/jobs/press_sync/playground", "sync-button", "Launch run")
        shoot(page, f"{url}/runs/{sync_run}", "sync-run-log", "orders:", log_filter="orders:")
        browser.close()


if __name__ == "__main__":
    main()
