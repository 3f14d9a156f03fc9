"""The test model server for the VS Code end-to-end suite (started by runner.mjs).

The scripted Ollama/OpenAI server of the Python tests (tests/generation/model_server.py)
on 127.0.0.1, answering by what is asked rather than in a fixed order, because VS Code
decides on its own when to ask for inline suggestions:

* a chat request whose question mentions Mars: a refusal (``-- cannot answer: ...``);
* any other chat request: a checked-looking AP query;
* a fill-in-the-middle request (``/api/generate``): ``h.Vendor = 1``.

Prints its Ollama URL on the first line of stdout, then serves until stdin closes.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.generation.model_server import ModelServer, Reply

QUERY = ("```sql\nSELECT h.APRef, h.Vendor, h.InvTotal\nFROM APTH h WITH (NOLOCK)\n"
         "WHERE h.APCo = 1\n```")
REFUSAL = "-- cannot answer: Vista keeps no weather records, on Mars or anywhere else"
FIM = "h.Vendor = 1"


def main() -> None:
    asked = threading.local()
    server = ModelServer()
    handler = server._httpd.RequestHandlerClass

    class Routed(handler):  # type: ignore[misc,valid-type]
        def _ollama(self, body: dict[str, Any], chat: bool) -> None:
            asked.chat, asked.body = chat, body
            super()._ollama(body, chat)

    def reply() -> Reply:
        if not getattr(asked, "chat", True):
            return Reply(FIM)
        text = " ".join(str(m.get("content", "")) for m in asked.body.get("messages", []))
        return Reply(REFUSAL if "Mars" in text else QUERY)

    server._httpd.RequestHandlerClass = Routed
    server.next_reply = reply  # type: ignore[method-assign]
    with server:
        print(server.ollama_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
