"""A fault-injecting HTTP proxy for the audit's end-to-end tests, on 127.0.0.1 only.

It sits between the audit (``AWS_ENDPOINT_URL`` points at it) and ``moto_server``, forwards every
request, and records each one: service, operation, region (from the SigV4 credential scope) and
botocore's ``amz-sdk-invocation-id``/``amz-sdk-request`` headers, so a test sees the retries.

A ``Fault`` picks requests (by service, operation and region; the first K of them, or a fraction
of them, spread evenly so the test is deterministic) and does one of:

- ``throttle``: HTTP 400 ThrottlingException; ``error500``: HTTP 500 InternalFailure;
- ``deny``: AccessDenied in the protocol's own shape (JSON, query XML, S3 XML);
- ``cut``: the upstream answer with its full Content-Length but only half its body, then close;
- ``cut-no-length``: half the body, no Content-Length, then close (the end of the connection is
  the end of the body, so the client cannot tell it is short);
- ``drop``: close the connection without an answer; ``hang``: answer nothing until released.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KINDS = ("throttle", "error500", "deny", "cut", "cut-no-length", "drop", "hang")
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


@dataclass
class Fault:
    kind: str
    operation: str | None = None  # e.g. "DescribeServices"; None: every operation
    region: str | None = None
    service: str | None = None  # the SigV4 signing name: ecs, s3, sts, logs, cloudtrail
    first: int | None = None  # only the first K matching requests
    fraction: float | None = None  # this share of the matching requests, spread evenly
    seen: int = 0
    applied: int = 0
    _share: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind

    def matches(self, request: dict) -> bool:
        return all(
            want is None or want == request[key]
            for key, want in (
                ("operation", self.operation),
                ("region", self.region),
                ("service", self.service),
            )
        )

    def fires(self) -> bool:
        """Called once for each matching request: does the fault apply to this one?"""
        self.seen += 1
        if self.first is not None and self.seen > self.first:
            return False
        if self.fraction is not None:
            self._share += self.fraction
            if self._share < 1:
                return False
            self._share -= 1
        self.applied += 1
        return True


class FaultProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, faults: list[Fault] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        parsed = urllib.parse.urlsplit(upstream)
        assert parsed.hostname == "127.0.0.1", "the proxy forwards to loopback only"
        self.upstream = (parsed.hostname, parsed.port or 80)
        self.faults = list(faults or [])
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.release = threading.Event()  # ends every hang
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def operations(self) -> set[str]:
        """``service:Operation`` of every request seen."""
        return {f"{r['service']}:{r['operation']}" for r in self.requests}


class _Handler(BaseHTTPRequestHandler):
    server: FaultProxy
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pool expects

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = self._describe(body)
        fault = None
        with self.server.lock:
            self.server.requests.append(request)
            for candidate in self.server.faults:
                if candidate.matches(request) and candidate.fires():
                    fault = candidate
                    break
        request["fault"] = fault.kind if fault else None
        kind = fault.kind if fault else None
        if kind == "drop":
            self._close()
        elif kind == "hang":
            self.server.release.wait(60)
            self._close()
        elif kind in ("throttle", "error500", "deny"):
            self._error(kind, request)
        else:
            status, headers, payload = self._forward(body)
            if kind == "cut":
                self._send(status, headers, payload[: len(payload) // 2], length=len(payload))
                self._close()
            elif kind == "cut-no-length":
                self._send(status, headers, payload[: len(payload) // 2], length=None)
                self._close()
            else:
                self._send(status, headers, payload, length=len(payload))

    def _describe(self, body: bytes) -> dict:
        scope = _SCOPE.search(self.headers.get("Authorization", ""))
        region, service = scope.groups() if scope else ("", "")
        target = self.headers.get("X-Amz-Target")
        if target:  # JSON protocols: ECS, CloudTrail, CloudWatch Logs
            operation, protocol = target.rsplit(".", 1)[-1], "json"
        elif service == "s3":
            operation, protocol = _s3_operation(self.command, self.path), "s3"
        else:  # query protocol: STS, EC2
            form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
            operation, protocol = form.get("Action", self.command), "query"
        return {
            "service": service,
            "operation": operation,
            "region": region,
            "protocol": protocol,
            "invocation": self.headers.get("amz-sdk-invocation-id"),
            "attempt": self.headers.get("amz-sdk-request", ""),
        }

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.server.upstream, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
            kept = [
                (k, v)
                for k, v in answer.getheaders()
                if k.lower() not in ("content-length", "transfer-encoding", "connection")
            ]
            return answer.status, kept, payload
        finally:
            connection.close()

    def _error(self, kind: str, request: dict) -> None:
        code, status = {
            "throttle": ("ThrottlingException", 400),
            "error500": ("InternalFailure", 500),
            "deny": ("AccessDeniedException", 400),
        }[kind]
        message = f"injected by the test proxy ({request['operation']})"
        if request["protocol"] == "json":
            payload = json.dumps({"__type": code, "message": message}).encode()
            content_type = "application/x-amz-json-1.1"
        else:
            if kind == "deny":
                code, status = "AccessDenied", 403
            elif kind == "throttle":
                code = "Throttling" if request["protocol"] == "query" else "SlowDown"
                status = 400 if request["protocol"] == "query" else 503
            error = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
            if request["protocol"] == "query":
                error = f"<ErrorResponse>{error}<RequestId>0</RequestId></ErrorResponse>"
            payload, content_type = error.encode(), "text/xml"
        self._send(status, [("Content-Type", content_type)], payload, length=len(payload))

    def _send(
        self, status: int, headers: list[tuple[str, str]], payload: bytes, length: int | None
    ) -> None:
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        if length is None:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()

    def _close(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone already
            self.connection.shutdown(socket.SHUT_RDWR)


def _s3_operation(method: str, path: str) -> str:
    """The S3 REST operation a path-style request is (the ones a reader may send, and the
    writes, named so a proof of read-only use can refuse them)."""
    parts = urllib.parse.urlsplit(path)
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    has_key = "/" in parts.path.strip("/")
    if method == "GET" and not has_key:
        return "ListObjectsV2" if query.get("list-type") == ["2"] else "ListObjects"
    if method == "GET":
        return "GetObject"
    if method == "HEAD":
        return "HeadObject" if has_key else "HeadBucket"
    return {"PUT": "PutObject", "DELETE": "DeleteObject", "POST": "PostObject"}.get(method, method)
