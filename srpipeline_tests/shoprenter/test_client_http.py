"""The client over real HTTP against the sandbox shop: auth, paging without gaps, rate, faults, errors."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.config import ShopConfig
from srpipeline.shoprenter.errors import (
    AccessDenied,
    CredentialsRejected,
    NotShoprenterApi,
    ResourceNotFound,
    ShoprenterError,
)
from srpipeline.shoprenter.paging import RecordPage, ReverseCursor, Window

FAST = {"backoff_base": 0.01, "backoff_cap": 0.05, "rate": 0}


def basic(shop: Any, **kw: Any) -> ShopConfig:
    return ShopConfig(
        api_url=shop.classic_url, username=shop.username, password=shop.password, **{**FAST, **kw}
    )


def oauth(shop: Any, **kw: Any) -> ShopConfig:
    return ShopConfig(
        api_url=shop.api2_url,
        client_id=shop.client_id,
        client_secret=shop.client_secret,
        token_url=shop.token_url,
        **{**FAST, **kw},
    )


def ids(pages: Iterator[RecordPage[Any]]) -> list[str]:
    return [record.sr_id for page in pages for record in page.records]


def placed_orders(shop: Any) -> list[dict[str, Any]]:
    """The orders an order read hands out: every one but the abandoned carts."""
    return shop.store.order_items(include_abandoned=False)


def window_now(shop: Any) -> Window:
    return Window(lo=None, hi=shop.store.clock.now())


@pytest.fixture
def shop(make_sandbox: Any) -> Any:
    return make_sandbox(orders=120, customers=60, seed=3, rate=0)


def test_basic_auth_reads_statuses_with_names(shop: Any) -> None:
    with ShoprenterClient(basic(shop)) as client:
        statuses = client.order_statuses()
    assert statuses.bad == []
    assert {s.sr_id for s in statuses.records} == {raw["id"] for raw in shop.store.status_items()}
    assert all(s.name for s in statuses.records)
    assert client.test_connection().message == "Connection successful!"


def test_oauth_token_is_reused_and_fetched_again_once_on_401(shop: Any) -> None:
    headers: list[str] = []
    session = requests.Session()
    session.hooks["response"].append(
        lambda r, *a, **k: headers.append(r.request.headers.get("Authorization", ""))
    )
    client = ShoprenterClient(oauth(shop, page_size=20), session=session)
    assert len(ids(client.order_pages(window_now(shop)))) == len(placed_orders(shop))
    token_calls = [r for r in shop.request_log if r.path.endswith("/token")]
    assert len(token_calls) == 1
    bearer = {h for h in headers if h.startswith("Bearer ")}
    assert len(bearer) == 1
    shop.revoke_tokens()
    assert client.test_connection().ok
    assert len([r for r in shop.request_log if r.path.endswith("/token")]) == 2
    assert [r.status for r in shop.request_log][-3:] == [401, 200, 200]


@pytest.mark.parametrize("reader", ["keyset", "reverse"])
def test_window_read_keeps_every_row_when_others_leave_mid_read(make_sandbox: Any, reader: str) -> None:
    shop = make_sandbox(orders=150, customers=150, seed=5, rate=0)
    before = placed_orders(shop) if reader == "keyset" else shop.store.customer_items()
    hi = shop.store.clock.now()
    shop.control.set_clock(hi + timedelta(minutes=1))  # changes from now on fall after hi: they leave
    window = Window(lo=None, hi=hi)
    every = [int(raw["innerId"]) for raw in before]
    leaving = set(every[::7])  # early, middle and late rows
    moved: list[int] = []

    def move_rows(res: str, query: dict[str, Any], page: int) -> None:
        if not moved:
            for inner in sorted(leaving):
                if reader == "keyset":
                    shop.control.set_order_status(inner, 2)
                else:
                    shop.control.edit_customer(inner, firstname="Moved")
                moved.append(inner)

    shop.after_page(move_rows)
    client = ShoprenterClient(basic(shop, page_size=20))
    read = ids(client.order_pages(window) if reader == "keyset" else client.customer_pages(window))
    assert moved, "the hook ran"
    expected = {raw["id"] for raw in before if int(raw["innerId"]) not in leaving}
    assert len(read) == len(set(read)), "no row twice"
    assert expected <= set(read)
    assert set(read) <= {raw["id"] for raw in before}


def test_reverse_resume_cursor_is_in_rows_and_survives_a_halved_page_size(make_sandbox: Any) -> None:
    shop = make_sandbox(orders=10, customers=95, seed=2, rate=0)
    window = window_now(shop)
    client = ShoprenterClient(basic(shop, page_size=20))
    pages = client.customer_pages(window)
    first = next(pages)
    assert first.resume == ReverseCursor(end=80) and not first.last
    shop.faults.oversize_504 = 10  # the rest must be read with smaller pages
    resumed = ShoprenterClient(basic(shop, page_size=20, min_page_size=10))
    rest = list(resumed.customer_pages(window, resume=ReverseCursor.from_json({"end": 80})))
    assert rest[-1].last and rest[-1].resume == ReverseCursor(end=0)
    read = {record.sr_id for page in [first, *rest] for record in page.records}
    assert read == {raw["id"] for raw in shop.store.customer_items()}


def test_never_more_than_rate_requests_in_any_second(make_sandbox: Any) -> None:
    shop = make_sandbox(orders=85, customers=10, seed=4, rate=3.0)
    client = ShoprenterClient(basic(shop, rate=3.0, page_size=10))
    assert len(ids(client.order_pages(window_now(shop)))) == len(placed_orders(shop))
    times = sorted(r.at for r in shop.request_log)
    assert len(times) >= 8
    assert max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times)) <= 3
    assert all(r.status != 429 for r in shop.request_log)


def test_threads_sharing_one_client_share_its_rate_limit(make_sandbox: Any) -> None:
    """A run builds one client and hands it to every asset: together they never pass the limit."""
    shop = make_sandbox(orders=40, customers=10, seed=5, rate=3.0)
    client = ShoprenterClient(basic(shop, rate=3.0))

    def asset() -> None:
        client.get("orderStatuses")
        client.get("coupons")

    threads = [threading.Thread(target=asset) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(r.at for r in shop.request_log)
    assert len(times) == 8
    assert max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times)) <= 3
    assert all(r.status != 429 for r in shop.request_log)


def test_reads_finish_through_faults(make_sandbox: Any) -> None:
    shop = make_sandbox(orders=200, customers=10, seed=6, rate=0)
    shop.faults.seed = 11
    shop.faults.error_rates = {500: 0.1, 503: 0.1, 504: 0.05}
    shop.faults.drop_rate = 0.1
    shop.faults.truncate_rate = 0.1
    client = ShoprenterClient(basic(shop, page_size=20, max_retries=10))
    read = ids(client.order_pages(window_now(shop)))
    assert sorted(read) == sorted(raw["id"] for raw in placed_orders(shop))
    assert client.stats.retries > 0
    statuses = {r.status for r in shop.request_log}
    assert statuses & {500, 503, 504}


def test_429_storm_pauses_then_finishes(make_sandbox: Any) -> None:
    shop = make_sandbox(orders=30, customers=10, seed=7, rate=0)
    shop.faults.storm(0.3)
    client = ShoprenterClient(basic(shop, page_size=10, max_retries=20))
    assert len(ids(client.order_pages(window_now(shop)))) == len(placed_orders(shop))
    assert client.stats.throttled > 0
    assert client.stats.snapshot()["throttled"] == sum(1 for r in shop.request_log if r.status == 429)


def test_504_on_big_pages_halves_the_page_size(shop: Any) -> None:
    shop.faults.oversize_504 = 50
    client = ShoprenterClient(basic(shop, page_size=200))
    read = ids(client.order_pages(window_now(shop)))
    assert sorted(read) == sorted(raw["id"] for raw in placed_orders(shop))
    limits = [int(r.query["limit"]) for r in shop.request_log if "orderExtend" in r.path]
    assert limits[:3] == [200, 100, 50]
    assert set(limits[3:]) == {50}


def test_401_is_one_line_and_not_retried(shop: Any) -> None:
    config = ShopConfig(api_url=shop.classic_url, username=shop.username, password="wrong-pass", **FAST)
    client = ShoprenterClient(config)
    with pytest.raises(CredentialsRejected) as caught:
        client.get("orderStatuses")
    assert "credentials rejected (401)" in caught.value.reason and "wrong-pass" not in str(caught.value)
    assert len(shop.request_log) == 1
    result = client.test_connection()
    assert not result.ok and result.message.startswith("Connection failed: credentials rejected (401)")


def test_oauth_bad_secret_stops_at_the_token_endpoint(shop: Any) -> None:
    config = oauth(shop)
    config = ShopConfig(
        api_url=config.api_url,
        client_id=shop.client_id,
        client_secret="bad",
        token_url=shop.token_url,
        **FAST,
    )
    with pytest.raises(CredentialsRejected, match="token endpoint"):
        ShoprenterClient(config).get("orderStatuses")
    assert len(shop.request_log) == 1


@pytest.fixture
def canned_server() -> Iterator[Callable[[int, bytes, str], str]]:
    """A real HTTP server that answers every request with one fixed reply (what the sandbox cannot do:
    a 403 from a switched-off API, or a web page instead of the API). Returns its base URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(status: int, body: bytes, content_type: str) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.server.hits += 1  # type: ignore[attr-defined]
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.hits = 0  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_403_says_what_to_switch_on_and_is_not_retried(canned_server: Any) -> None:
    url = canned_server(403, b'{"error": 403, "message": "Forbidden"}', "application/json")
    client = ShoprenterClient(ShopConfig(api_url=url, username="u", password="p", **FAST))
    result = client.test_connection()
    assert not result.ok
    assert result.message.startswith("Connection failed: access denied (403): switch the API on")
    with pytest.raises(AccessDenied):
        client.get("orderStatuses")
    assert client.stats.requests == 2 and client.stats.retries == 0


def test_a_web_page_is_not_the_shoprenter_api(canned_server: Any) -> None:
    url = canned_server(200, b"<html><body>Welcome to my shop</body></html>", "text/html; charset=utf-8")
    client = ShoprenterClient(ShopConfig(api_url=url, username="u", password="p", **FAST))
    with pytest.raises(NotShoprenterApi, match="answered HTTP 200 with text/html, not the Shoprenter API"):
        client.get("orderStatuses")
    assert client.stats.retries == 0


def test_wrong_base_path_is_shop_not_found_and_a_deleted_item_is_resource_not_found(shop: Any) -> None:
    wrong = ShopConfig(
        api_url=shop.classic_url + "/no-such-shop", username=shop.username, password=shop.password
    )
    assert (
        ShoprenterClient(wrong)
        .test_connection()
        .message.startswith("Connection failed: the shop answered 404 for /no-such-shop/orderStatuses")
    )
    client = ShoprenterClient(basic(shop))
    victim = shop.store.customer_items()[0]
    shop.control.delete_customer(int(victim["innerId"]))
    with pytest.raises(ResourceNotFound, match="deleted"):
        client.get(f"customers/{victim['id']}")


def test_unreachable_shop_after_the_retry_budget() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = ShopConfig(
        api_url=f"http://127.0.0.1:{port}", username="u", password="p", **{**FAST, "max_retries": 2}
    )
    client = ShoprenterClient(config)
    result = client.test_connection()
    assert result.message.startswith(f"Connection failed: 127.0.0.1:{port} is not reachable")
    assert "after 3 attempts" in result.message and client.stats.requests == 3


def test_order_pages_know_which_orders_are_storno(shop: Any) -> None:
    for raw in placed_orders(shop)[5:60:10]:  # a few more storno orders, spread over the pages
        shop.control.storno_order(int(raw["innerId"]))
    client = ShoprenterClient(basic(shop, page_size=20))
    pages = list(client.order_pages(window_now(shop)))
    storno = set().union(*(page.storno_inner_ids for page in pages))
    kept = shop.store.order_items(include_storno=False, include_abandoned=False)
    expected = {int(raw["innerId"]) for raw in placed_orders(shop)} - {int(raw["innerId"]) for raw in kept}
    assert storno == expected and storno
    assert pages[-1].last and pages[-1].next_inner_id_min is not None


def test_customer_ids_are_every_customer(shop: Any) -> None:
    client = ShoprenterClient(basic(shop, page_size=20))
    assert client.customer_ids() == {raw["id"] for raw in shop.store.customer_items()}


def test_no_secret_in_logs_or_errors(make_sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    shop = make_sandbox(orders=40, customers=10, seed=8, rate=0)
    shop.faults.seed = 3
    shop.faults.error_rates = {500: 0.3}
    headers: list[str] = []
    session = requests.Session()
    session.hooks["response"].append(
        lambda r, *a, **k: headers.append(r.request.headers.get("Authorization", ""))
    )
    caplog.set_level(logging.DEBUG)
    client = ShoprenterClient(oauth(shop, page_size=10, max_retries=1), session=session)
    messages = []
    try:
        ids(client.order_pages(window_now(shop)))
    except ShoprenterError as exc:
        messages.append(str(exc))
    assert caplog.records, "retries were logged"
    secrets = {shop.client_secret, *(h.split(" ", 1)[1] for h in headers if h)}
    shown = caplog.text + " ".join(messages) + repr(client) + repr(client.config)
    assert not [s for s in secrets if s in shown]


def test_window_is_sent_in_shop_local_time(shop: Any) -> None:
    hi = shop.store.clock.now()
    client = ShoprenterClient(basic(shop))
    list(client.order_pages(Window(lo=hi - timedelta(days=1), hi=hi)))
    query = next(r.query for r in shop.request_log if "orderExtend" in r.path)
    tz = client.shop_timezone()
    assert query["updatedAtMax"] == hi.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S")
    assert query["innerIdMin"] == "0"


def test_oauth_token_is_renewed_a_minute_before_it_expires(shop: Any) -> None:
    now = [0.0]
    client = ShoprenterClient(oauth(shop), clock=lambda: now[0])
    client.get("orderStatuses")
    now[0] = 3600 - 61  # the token (3600 s) still has over a minute left: reused
    client.get("orderStatuses")
    assert sum(r.path.endswith("/token") for r in shop.request_log) == 1
    now[0] = 3600 - 59
    client.get("orderStatuses")
    assert sum(r.path.endswith("/token") for r in shop.request_log) == 2
