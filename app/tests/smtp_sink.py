"""A real SMTP server for Bazaar's email tests (needs aiosmtpd: `make test` installs it).

    python3 smtp_sink.py --port 2525 DIRECTORY

Listens on 127.0.0.1:PORT and saves every message it accepts to DIRECTORY as
NNNNNN.eml (the raw message) and NNNNNN.json (envelope, headers and decoded text and
HTML bodies). The JSON file appears, by rename, only once complete, and before the
server answers 250, so a client that got its 250 can already find it. Recipients whose
address starts with "reject" are refused with a permanent 550.
"""

import argparse
import email
import email.policy
import itertools
import json
import os
import threading

from aiosmtpd.controller import Controller


class SaveToDirectory:
    def __init__(self, directory):
        self.directory = directory
        # Continue after what an earlier run (before a restart) saved.
        existing = [n for n in os.listdir(directory) if n.endswith(".json")]
        self.numbers = itertools.count(len(existing) + 1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            number = next(self.numbers)
        base = os.path.join(self.directory, f"{number:06d}")
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["from"]),
            "to": str(message["to"]),
            "subject": str(message["subject"]),
            "message_id": str(message["message-id"]),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
        }
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        with open(base + ".json.part", "w", encoding="utf-8") as f:
            json.dump(summary, f)
        os.replace(base + ".json.part", base + ".json")
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("directory")
    args = parser.parse_args()
    os.makedirs(args.directory, exist_ok=True)
    controller = Controller(
        SaveToDirectory(args.directory), hostname="127.0.0.1", port=args.port
    )
    controller.start()
    print(f"listening on 127.0.0.1:{args.port}", flush=True)
    # The test stops this process by killing it.
    threading.Event().wait()


if __name__ == "__main__":
    main()
