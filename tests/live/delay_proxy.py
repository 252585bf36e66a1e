"""An HTTP proxy in front of the moto server that makes every request cost a round trip to a
far-away region: each is answered DELAY seconds after it arrived (moto's own time is part of the
delay, so a wave of requests costs DELAY however busy moto is). Each request is recorded, one
JSON line per request in RECORDING: the operation (`X-Amz-Target`, or the Query protocol's
`Action`), the resource it names (RoleName, PolicyArn, SecretId, KeyId, ...), and when it
arrived and was answered (seconds since the proxy started).

Usage: delay_proxy.py UPSTREAM_PORT DELAY_SECONDS RECORDING
Prints the port it listens on, then serves until killed."""
import http.client
import http.server
import json
import sys
import threading
import time
import urllib.parse

upstream_port = int(sys.argv[1])
delay = float(sys.argv[2])
recording = open(sys.argv[3], "a", buffering=1)
lock = threading.Lock()
started = time.monotonic()

NAMED = ("RoleName", "PolicyArn", "PolicyName", "SecretId", "KeyId", "taskDefinition", "VersionId")


def what(headers, body):
    """The operation and the resource a request names."""
    target = headers.get("X-Amz-Target")
    named = {}
    if target:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = {}
        if isinstance(payload, dict):
            named = {k: v for k, v in payload.items() if k in NAMED and isinstance(v, str)}
        return target.split(".")[-1], named
    form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    named = {k: v[0] for k, v in form.items() if k in NAMED}
    return form.get("Action", [""])[0], named


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        arrived = time.monotonic() - started
        upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        payload = response.read()
        time.sleep(max(0.0, arrived + delay - (time.monotonic() - started)))
        # Taken before the answer is sent: the client may ask its next question before this
        # thread runs again.
        answered = time.monotonic() - started
        self.send_response(response.status)
        for k, v in response.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "keep-alive", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()
        operation, named = what(self.headers, body)
        with lock:
            recording.write(json.dumps({
                "operation": operation,
                "named": named,
                "arrived": arrived,
                "answered": answered,
            }) + "\n")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward


class Server(http.server.ThreadingHTTPServer):
    # Dozens of connections open at once; the default backlog of 5 would hold some back.
    request_queue_size = 256


server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
