"""``srpipeline sandbox``: generate a shop, serve it, and say how to point the pipeline at it."""

from __future__ import annotations

import argparse
import signal
import time

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
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    began = time.monotonic()
    shop = SandboxShop.generate(
        orders=args.orders, customers=args.customers, seed=args.seed, rate=args.rate, timezone=args.timezone
    )
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
        shop.stop()
    return 0
