"""A stand-in fulfillment location for trying OrderOps out: accepts every release and cancel with 202 and prints it.

python3 docs/examples/fulfillment-location.py  (listens on http://localhost:7392)
"""
from http.server import BaseHTTPRequestHandler, HTTPServer


class Location(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        print(self.headers.get("Idempotency-Key"), body.decode("utf-8")[:200], flush=True)
        self.send_response(202)
        self.end_headers()


HTTPServer(("127.0.0.1", 7392), Location).serve_forever()
