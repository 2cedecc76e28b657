#!/usr/bin/env python3
"""The Python rule engine of python_engine.py as an HTTP service: POST a batch of
seqsim-decision/1 as JSON to any path, get the answer message back.

    python3 examples/http_engine.py --port 8080 &
    seqsim harness --engine-url http://127.0.0.1:8080/decide

--port 0 (the default) takes a free port; the first line on standard output says which:
`listening on http://127.0.0.1:PORT/decide`. --planted-bug as in python_engine.py.
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_engine  # noqa: E402

PLANTED_BUG = "--planted-bug" in sys.argv[1:]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed acknowledgement hold every answer back by tens of milliseconds.
    disable_nagle_algorithm = True

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        try:
            batch = json.loads(self.rfile.read(length))
            body = json.dumps(python_engine.answer(batch, PLANTED_BUG)).encode()
            status = 200
        except (ValueError, KeyError, TypeError) as error:
            body = ("bad batch: %s" % error).encode()
            status = 400
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    port = 0
    args = sys.argv[1:]
    if "--port" in args:
        port = int(args[args.index("--port") + 1])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("listening on http://127.0.0.1:%d/decide" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
