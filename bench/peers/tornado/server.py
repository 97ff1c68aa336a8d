#!/usr/bin/python3
"""The Tornado peer for bench/run.sh: GET / -> "Hello, world", /ws echo, /chat broadcast; 127.0.0.1 only.

Usage: /usr/bin/python3 server.py [--port N]   (or PORT=N in the environment; default 5000).
Tornado from Debian's python3-tornado, so it must run on Debian's /usr/bin/python3 (bench/run.sh installs the
package with apt-get when missing). One process, one IOLoop thread (bench/run.sh pins it to the server core).
Same body, Content-Type and Server/Date headers as the other peers, and no ETag (Tornado computes one by default),
so every server puts about the same bytes on the wire.
"""

import asyncio
import os
import signal
import sys

import tornado.web
import tornado.websocket

# Largest message accepted, like the Kestrel and Node peers' 1 MiB (Tornado's default is 10 MiB); a bigger one is
# closed with 1009 (RFC 6455 section 7.4.1).
MAX_MESSAGE = 1 << 20
# Keep-alive pings every 2 minutes, like Hub's ping-interval and ASP.NET Core's KeepAliveInterval: never during a run.
PING_INTERVAL_S = 120
# Idle keep-alive HTTP connections stay open 130 s, like Hub and Kestrel.
KEEP_ALIVE_S = 130
# Listen backlog like Node's 511 and Kestrel's 512 (Tornado's default, 128, drops SYNs when 1,000 wrk connections
# open at once).
BACKLOG = 511


class HelloHandler(tornado.web.RequestHandler):
    """GET / -> "Hello, world": bench/run.sh polls it to know the server is up."""

    def get(self):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(b"Hello, world")

    def compute_etag(self):
        return None


class EchoSocket(tornado.websocket.WebSocketHandler):
    """/ws: every message goes back unchanged, text as text and binary as binary (like the other peers)."""

    def check_origin(self, origin):
        return True

    def on_message(self, message):
        try:
            self.write_message(message, binary=isinstance(message, bytes))
        except tornado.websocket.WebSocketClosedError:
            pass


class ChatSocket(tornado.websocket.WebSocketHandler):
    """/chat: every text message goes to every /chat client, the sender included.

    write_message frames the message per client and queues it in the client's IOStream without a bound: the stock
    way, which is what issue 5's Tornado figures measure (its buffers grew to 1.26 GB there).
    """

    clients = set()

    def check_origin(self, origin):
        return True

    def open(self):
        ChatSocket.clients.add(self)

    def on_close(self):
        ChatSocket.clients.discard(self)

    def on_message(self, message):
        if isinstance(message, bytes):
            self.close(1003, "text only")
            return
        for client in list(ChatSocket.clients):
            try:
                client.write_message(message)
            except tornado.websocket.WebSocketClosedError:
                ChatSocket.clients.discard(client)


def port_argument():
    argv = sys.argv[1:]
    if "--port" in argv:
        i = argv.index("--port")
        return argv[i + 1] if i + 1 < len(argv) else None
    return os.environ.get("PORT", "5000")


async def serve(port):
    app = tornado.web.Application(
        [(r"/", HelloHandler), (r"/ws", EchoSocket), (r"/chat", ChatSocket)],
        websocket_ping_interval=PING_INTERVAL_S,
        websocket_max_message_size=MAX_MESSAGE,
    )
    server = app.listen(port, address="127.0.0.1", backlog=BACKLOG, idle_connection_timeout=KEEP_ALIVE_S)
    # bench/run.sh stops the peer by PID with SIGTERM: stop listening and end; open sockets close with the process.
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    # bench/run.sh waits for `GET /` to answer; this line is for a human watching the console.
    print(f"listening on 127.0.0.1:{port}", flush=True)
    await stop.wait()
    server.stop()


def main():
    text = port_argument()
    try:
        port = int(text)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        print(f"invalid port: {text}", file=sys.stderr)
        return 2
    asyncio.run(serve(port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
