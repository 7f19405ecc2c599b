"""A local SMTP sink for `make run`: every message is kept as an .eml file in var/mail/ and
announced on the terminal, so a person can read what the portal sent."""

import argparse
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 1_000_000:06d}.eml"
        (self.directory / name).write_bytes(envelope.content)
        print(f"[mail] to {', '.join(envelope.rcpt_tos)}: {message['subject']}  (var/mail/{name})", flush=True)
        return "250 Message accepted"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default="var/mail")
    args = parser.parse_args()
    controller = Controller(Sink(Path(args.dir)), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"[mail] SMTP sink on 127.0.0.1:{args.port}, messages in {args.dir}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()


if __name__ == "__main__":
    main()
