"""``srpipeline sandbox``: generate a shop, serve it, and say how to point the pipeline at it."""

from __future__ import annotations

import argparse
import signal
import time

from srpipeline.sandbox.activity import ShopActivity
from srpipeline.sandbox.shop import SandboxShop


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="srpipeline sandbox", description="Run a stand-in Shoprenter shop.")
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument(
        "--rate", type=float, default=3.0, help="requests per second per credentials; 0 = no limit"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timezone", default="Europe/Budapest")
    faults = parser.add_argument_group("faults and activity (off by default)")
    faults.add_argument("--latency", type=float, default=0.0, help="seconds added to every API answer")
    faults.add_argument(
        "--error-rate", type=float, default=0.0, help="share of API requests answered 503 (0-1)"
    )
    faults.add_argument(
        "--drop-rate", type=float, default=0.0, help="share of connections closed without an answer"
    )
    faults.add_argument(
        "--truncate-rate", type=float, default=0.0, help="share of answers cut short mid-body"
    )
    faults.add_argument("--max-page", type=int, default=None, help="answer 504 to pages asking for more")
    faults.add_argument(
        "--change-every", type=float, default=0.0, help="change one order's status every this many seconds"
    )
    return parser


def apply_faults(shop: SandboxShop, args: argparse.Namespace) -> None:
    shop.faults.latency = args.latency
    shop.faults.error_rates = {503: args.error_rate} if args.error_rate else {}
    shop.faults.drop_rate = args.drop_rate
    shop.faults.truncate_rate = args.truncate_rate
    shop.faults.oversize_504 = args.max_page


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    began = time.monotonic()
    shop = SandboxShop.generate(
        orders=args.orders, customers=args.customers, seed=args.seed, rate=args.rate, timezone=args.timezone
    )
    apply_faults(shop, args)
    try:
        shop.start(args.port)
    except OSError as error:
        print(
            f"Cannot listen on 127.0.0.1:{args.port}: {error.strerror}. "
            "Try another --port (0 = any free one)."
        )
        return 1
    print(
        f"Sandbox shop: {args.orders} orders, {args.customers} customers, "
        f"made in {time.monotonic() - began:.1f} s"
    )
    print(
        f"  classic API  {shop.classic_url}   (Basic auth) username {shop.username}  password {shop.password}"
    )
    print(f"  API2         {shop.api2_url}   (Bearer token)")
    print(f"  token URL    {shop.token_url}   client id {shop.client_id}  client secret {shop.client_secret}")
    print(f"  rate limit   {args.rate:g} requests/s per credentials; time zone {args.timezone}")
    if args.latency or args.error_rate or args.drop_rate or args.truncate_rate or args.max_page:
        print(f"  faults       {shop.faults.describe()}")
    activity = (
        ShopActivity(shop.store, shop.control, args.change_every).start() if args.change_every else None
    )
    if activity is not None:
        print(f"  activity     one order's status changes every {args.change_every:g} s")
    print("Point the pipeline at it:")
    print(f"  export SHOPRENTER_API_URL={shop.classic_url}")
    print(f"  export SHOPRENTER_USERNAME={shop.username}")
    print(f"  export SHOPRENTER_PASSWORD={shop.password}")
    # Ctrl-C stops it even when started from a script in the background, where SIGINT is inherited ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:  # the line that tells a caller to send Ctrl-C is printed inside, so no Ctrl-C escapes
        print("Serving until Ctrl-C.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        if activity is not None:
            activity.stop()
        shop.stop()
    return 0
