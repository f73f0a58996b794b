"""Run the stand-in outside systems on their own: `python -m standins --port 8091 ...`."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from pathlib import Path

from standins.app import create_app
from standins.mail import MailSink
from standins.seed import read_seed
from standins.server import StandInServer

HOST = "127.0.0.1"  # the stand-ins answer on loopback only

log = logging.getLogger("standins")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m standins", description=__doc__)
    parser.add_argument("--port", type=int, default=8091, help="HTTP port (default 8091)")
    parser.add_argument("--engine-url", default="http://127.0.0.1:8080", help="licflow's base URL")
    parser.add_argument("--engine-token", default=os.environ.get("STANDINS_ENGINE_TOKEN"))
    parser.add_argument("--engine-token-file", type=Path, help="read the token from a file (var/api-token)")
    parser.add_argument("--seed", type=Path, help="seed file (default: the seed.json shipped with standins)")
    parser.add_argument("--smtp-port", type=int, help="also run the SMTP sink on this port")
    parser.add_argument("--mail-dir", type=Path, help="write received mail here as .eml files")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Serve the stand-ins (and the SMTP sink when asked) until SIGINT or SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    args = _arguments(argv)
    token = args.engine_token_file.read_text().strip() if args.engine_token_file else args.engine_token
    app = create_app(read_seed(args.seed), {"ENGINE_URL": args.engine_url, "ENGINE_TOKEN": token})
    server = StandInServer(app, HOST, args.port)
    sink = MailSink(HOST, args.smtp_port, args.mail_dir) if args.smtp_port is not None else None
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    server.start()
    if sink is not None:
        sink.start()
        log.info("SMTP sink on %s:%d", HOST, sink.port)
    log.info("stand-ins serving on %s, answering licflow at %s", server.url, args.engine_url)
    try:
        stopped.wait()
    finally:
        if sink is not None:
            sink.stop()
        server.stop()


if __name__ == "__main__":
    main()
