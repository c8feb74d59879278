"""A provider's SMS API in the test process: it answers on 127.0.0.1, honours idempotency keys
as a real provider promises to, and can be told to fail the next requests with a 500, a 400,
or an answer that comes too late."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    body: dict
    headers: dict[str, str]


@dataclass
class FakeSmsProvider:
    late_by: float  # seconds an answer marked "timeout" waits before it comes
    received: list[Received] = field(default_factory=list)  # every request, retries included
    handsets: list[dict] = field(default_factory=list)  # every SMS that went out to a phone
    _plan: list[str] = field(default_factory=list)
    _ids: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, *outcomes: str) -> None:
        """The next requests answer "500", "400" or "timeout" (sent, but answered late)."""
        self._plan.extend(outcomes)

    def handle(self, body: dict, headers: dict[str, str]) -> tuple[int, dict, float]:
        """The status, the answer, and how long to wait before giving it."""
        with self._lock:
            self.received.append(Received(body=body, headers=headers))
            outcome = self._plan.pop(0) if self._plan else "ok"
            if outcome in ("500", "400"):
                return int(outcome), {"error": "refused"}, 0.0
            key = headers["Idempotency-Key"]
            if key not in self._ids:
                self._ids[key] = f"prov-{len(self._ids) + 1}"
                self.handsets.append(body)
            answer = {"id": self._ids[key], "status": "accepted"}
            return 200, answer, self.late_by if outcome == "timeout" else 0.0


def _handler(provider: FakeSmsProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status, answer, delay = provider.handle(body, dict(self.headers))
            time.sleep(delay)
            payload = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: that is the point of a late answer

        def log_message(self, format: str, *args) -> None:
            pass

    return Handler


class FakeSmsServer:
    def __init__(self, provider: FakeSmsProvider) -> None:
        self.provider = provider
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
        self.http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/sms"
        self._thread = threading.Thread(
            target=self.http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> "FakeSmsServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.http.shutdown()
        self.http.server_close()
