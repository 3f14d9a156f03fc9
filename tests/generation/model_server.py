"""A scripted model server on 127.0.0.1 that speaks both the Ollama and the OpenAI API.

No Ollama binary can be installed here, so the backends are tested against this:
the same endpoints and wire formats (NDJSON and SSE streaming, single JSON),
replies taken in order from a script, and the failures a real server has (HTTP
500, a stream cut half-way, a reply slower than the timeout, an unknown model).
Every request is recorded so a test can check what the backend sent.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

ReplyKind = Literal["ok", "slow", "error500", "cut", "cut_clean"]

MODEL = "vgpt2-test"
"""The one model the fixture serves (Ollama lists it as ``vgpt2-test:latest``)."""
CONTEXT_LENGTH = 32768
SLOW_CEILING_S = 120.0
"""A slow reply gives up by itself after this long, so no server thread can hang a run."""
HEARTBEAT_S = 0.05


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    ``ok``: the text, streamed in small pieces (or whole). ``slow``: the first piece,
    then empty pieces until the client goes away or the server stops. ``error500``:
    an HTTP 500 and nothing else. ``cut``: half the text, then the socket closes with
    no end of body. ``cut_clean``: half the text and a well-formed end of body, but no
    final done/finish_reason message.
    """

    text: str = ""
    kind: ReplyKind = "ok"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    body: dict[str, Any]
    authorization: str | None


def free_port() -> int:
    """A port nothing listens on (for 'connection refused')."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class ModelServer:
    """Start with ``with ModelServer() as server:``; script with ``server.script(...)``."""

    def __init__(self, *, api_key: str | None = None, chunk: int = 7,
                 template: str = "{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}") -> None:
        self.api_key = api_key
        self.chunk = chunk
        self.template = template
        self.requests: list[Recorded] = []
        self.default = Reply("SELECT 1")
        self.disconnected = threading.Event()
        """Set when a client hangs up on a slow reply (a cancel or a timeout reached us)."""
        self.release = threading.Event()
        self.slow_started = threading.Event()
        """Set when a slow reply has begun streaming (the moment to cancel a request)."""
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        name="model-server", daemon=True)

    @property
    def port(self) -> int:
        port: int = self._httpd.server_address[1]
        return port

    @property
    def ollama_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def url(self, api: str) -> str:
        return self.openai_url if api == "openai" else self.ollama_url

    def script(self, *replies: Reply | str, default: Reply | str | None = None) -> None:
        """Replace the queue of replies; after it runs out, ``default`` repeats."""
        with self._lock:
            self._script = deque(r if isinstance(r, Reply) else Reply(r) for r in replies)
            if default is not None:
                self.default = default if isinstance(default, Reply) else Reply(default)
            self.requests.clear()
            self.disconnected.clear()
            self.slow_started.clear()

    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests
                if r.path in ("/api/chat", "/v1/chat/completions")]

    def next_reply(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    def __enter__(self) -> ModelServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=30)


def _pieces(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def _handler(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: pytest shows what matters."""

        # -- plumbing -------------------------------------------------------------------

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:  # not JSON (a blob upload), or not text at all
                data = {}
            return data if isinstance(data, dict) else {}

        def _json(self, status: int, payload: object) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _start_stream(self, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        def _end_stream(self) -> None:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def _drop(self) -> None:
            """Hang up mid-body: what a crashed server or a dead proxy looks like."""
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)

        def _record(self, body: dict[str, Any]) -> None:
            server.requests.append(Recorded(self.command, self.path, body,
                                            self.headers.get("Authorization")))

        def _stream(self, reply: Reply, frame: Any, final: bytes | None,
                    content_type: str, done_marker: bytes | None = None) -> None:
            """Send ``reply`` as frames; ``final`` closes the reply semantically."""
            self._start_stream(content_type)
            pieces = _pieces(reply.text, server.chunk)
            if reply.kind in ("cut", "cut_clean"):
                pieces = pieces[:max(1, len(pieces) // 2)]
            try:
                for piece in pieces:
                    self._chunk(frame(piece))
                if reply.kind == "slow":
                    server.slow_started.set()
                    deadline = time.monotonic() + SLOW_CEILING_S
                    while not server.release.wait(HEARTBEAT_S):
                        if time.monotonic() > deadline:
                            break
                        self._chunk(frame(""))
                if reply.kind == "cut":
                    self._drop()
                    return
                if reply.kind != "cut_clean" and final is not None:
                    self._chunk(final)
                if done_marker is not None and reply.kind != "cut_clean":
                    self._chunk(done_marker)
                self._end_stream()
            except (BrokenPipeError, ConnectionResetError, OSError):
                server.disconnected.set()
                self.close_connection = True

        # -- routes ---------------------------------------------------------------------

        def do_GET(self) -> None:
            self._record({})
            if self.path == "/api/version":
                self._json(200, {"version": "0.12.6"})
            elif self.path == "/api/tags":
                self._json(200, {"models": [{
                    "name": f"{MODEL}:latest", "model": f"{MODEL}:latest",
                    "modified_at": "2026-12-01T00:00:00Z", "size": 1000,
                    "digest": "0" * 64,
                    "details": {"format": "gguf", "family": "qwen2", "parameter_size": "1M",
                                "quantization_level": "F16"}}]})
            elif self.path == "/v1/models":
                if self._refuse_key():
                    return
                self._json(200, {"object": "list", "data": [{
                    "id": MODEL, "object": "model", "created": 0, "owned_by": "tests",
                    "max_model_len": CONTEXT_LENGTH}]})
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            body = self._body()
            self._record(body)
            routes = {"/api/show": self._show, "/api/chat": self._ollama_chat,
                      "/api/generate": self._ollama_generate,
                      "/api/create": self._create,
                      "/v1/chat/completions": self._openai_chat,
                      "/v1/completions": self._openai_completion}
            if self.path.startswith("/api/blobs/sha256:"):
                self._json(201, {})  # the blob's digest is in the recorded path
                return
            route = routes.get(self.path)
            if route is None:
                self._json(404, {"error": f"no route {self.path}"})
                return
            route(body)

        # -- Ollama ---------------------------------------------------------------------

        def _create(self, body: dict[str, Any]) -> None:
            """``ollama create`` from uploaded blobs: recorded, always a success."""
            self._json(200, {"status": "success"})

        def _known(self, body: dict[str, Any]) -> bool:
            name = str(body.get("model") or "")
            return name in (MODEL, f"{MODEL}:latest")

        def _show(self, body: dict[str, Any]) -> None:
            if not self._known(body):
                self._json(404, {"error": f"model '{body.get('model')}' not found"})
                return
            self._json(200, {
                "modelfile": "", "parameters": "", "template": server.template,
                "details": {"format": "gguf", "family": "qwen2"},
                "model_info": {"general.architecture": "qwen2",
                               "qwen2.context_length": CONTEXT_LENGTH},
                "capabilities": ["completion", "insert"] if ".Suffix" in server.template
                else ["completion"],
                "modified_at": "2026-12-01T00:00:00Z"})

        def _ollama(self, body: dict[str, Any], chat: bool) -> None:
            if not self._known(body):
                self._json(404, {"error": f"model \"{body.get('model')}\" not found, "
                                          "try pulling it first"})
                return
            reply = server.next_reply()
            if reply.kind == "error500":
                self._json(500, {"error": "llama runner process has terminated"})
                return
            model = f"{MODEL}:latest"

            def part(text: str, done: bool) -> dict[str, Any]:
                base: dict[str, Any] = {"model": model, "created_at": "2026-12-01T00:00:00Z",
                                        "done": done}
                if chat:
                    base["message"] = {"role": "assistant", "content": text}
                else:
                    base["response"] = text
                if done:
                    base.update(done_reason="stop", total_duration=1000, prompt_eval_count=42,
                                eval_count=max(1, len(reply.text) // 4))
                return base

            if body.get("stream", True) is False:
                if reply.kind != "ok":
                    self._json(500, {"error": "scripted failure"})
                    return
                self._json(200, part(reply.text, True))
                return
            self._stream(reply, lambda t: json.dumps(part(t, False)).encode() + b"\n",
                         json.dumps(part("", True)).encode() + b"\n", "application/x-ndjson")

        def _ollama_chat(self, body: dict[str, Any]) -> None:
            self._ollama(body, chat=True)

        def _ollama_generate(self, body: dict[str, Any]) -> None:
            self._ollama(body, chat=False)

        # -- OpenAI ---------------------------------------------------------------------

        def _refuse_key(self) -> bool:
            if server.api_key is None:
                return False
            if self.headers.get("Authorization") == f"Bearer {server.api_key}":
                return False
            self._json(401, {"error": {"message": "Incorrect API key provided",
                                       "type": "invalid_request_error", "code": 401}})
            return True

        def _openai(self, body: dict[str, Any], chat: bool) -> None:
            if self._refuse_key():
                return
            if body.get("model") != MODEL:
                self._json(404, {"error": {
                    "message": f"The model `{body.get('model')}` does not exist.",
                    "type": "NotFoundError", "code": 404}})
                return
            reply = server.next_reply()
            if reply.kind == "error500":
                self._json(500, {"error": {"message": "Internal server error",
                                           "type": "InternalServerError", "code": 500}})
                return
            kind = "chat.completion" if chat else "text_completion"

            def choice(text: str, finish: str | None, stream: bool) -> dict[str, Any]:
                if chat:
                    key = "delta" if stream else "message"
                    content: dict[str, Any] = {"role": "assistant", "content": text}
                    return {"index": 0, key: content, "finish_reason": finish}
                return {"index": 0, "text": text, "finish_reason": finish, "logprobs": None}

            def payload(text: str, finish: str | None, stream: bool) -> dict[str, Any]:
                suffix = ".chunk" if stream and chat else ""
                return {"id": "cmpl-test", "object": kind + suffix, "created": 0,
                        "model": MODEL, "choices": [choice(text, finish, stream)]}

            if not body.get("stream"):
                if reply.kind != "ok":
                    self._json(500, {"error": {"message": "scripted failure", "code": 500}})
                    return
                result = payload(reply.text, "stop", False)
                result["usage"] = {"prompt_tokens": 42, "completion_tokens": 5,
                                   "total_tokens": 47}
                self._json(200, result)
                return

            def frame(text: str) -> bytes:
                return b"data: " + json.dumps(payload(text, None, True)).encode() + b"\n\n"

            final = b"data: " + json.dumps(payload("", "stop", True)).encode() + b"\n\n"
            self._stream(reply, frame, final, "text/event-stream",
                         done_marker=b"data: [DONE]\n\n")

        def _openai_chat(self, body: dict[str, Any]) -> None:
            self._openai(body, chat=True)

        def _openai_completion(self, body: dict[str, Any]) -> None:
            self._openai(body, chat=False)

    return Handler
