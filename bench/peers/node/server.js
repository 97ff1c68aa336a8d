'use strict';
// The Node + ws peer for bench/run.sh: GET / → "Hello, world", /ws echo, /chat broadcast; 127.0.0.1 only.
// Usage: node server.js [--port N]   (or PORT=N in the environment; default 5000).
// One process, one JavaScript thread (bench/run.sh pins it to the server core with taskset, like the other peers).
// Same body, Content-Type and a Server header as the Hub and Kestrel peers (Node adds Date itself), so every server
// puts about the same bytes on the wire; bench/run.sh records each server's header and body sizes.

const http = require('node:http');
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(argument('--port') ?? process.env.PORT ?? '5000');
if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`invalid port: ${argument('--port') ?? process.env.PORT}`);
    process.exit(2);
}

// Largest message accepted, like the Kestrel peer's 1 MiB; ws closes a bigger one with 1009 (RFC 6455 §7.4.1).
const MAX_MESSAGE = 1 << 20;
// A /chat client with more than this many bytes queued in its socket is a slow consumer and is dropped, so a
// broadcast never buffers without bound: Hub's hub.websocket.outbound-queue-max-bytes default (1 MiB).
const MAX_BUFFERED = 1 << 20;
// Keep-alive pings every 2 minutes, like Hub's ping-interval and ASP.NET Core's KeepAliveInterval: never during a run.
const PING_INTERVAL_MS = 120_000;
// Idle keep-alive HTTP connections stay open 130 s, like Hub and Kestrel (Node's default is 5 s, which would close
// the idle scenario's connections).
const KEEP_ALIVE_MS = 130_000;

const HELLO = Buffer.from('Hello, world');
const HELLO_HEADERS = {
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Length': HELLO.length,
    Server: 'node',
};

const server = http.createServer((req, res) => {
    if (req.url === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, HELLO_HEADERS);
        res.end(req.method === 'GET' ? HELLO : undefined);
        return;
    }
    res.writeHead(404, { 'Content-Length': 0, Server: 'node' });
    res.end();
});
server.keepAliveTimeout = KEEP_ALIVE_MS;
server.headersTimeout = KEEP_ALIVE_MS + 1000;   // must exceed keepAliveTimeout (Node's rule)

// perMessageDeflate is off by default on a ws server; spelled out because the others negotiate no extension either.
const echo = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_MESSAGE });
const chat = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_MESSAGE });

// /ws: every message goes back unchanged, text as text and binary as binary (like the Hub and Kestrel peers).
echo.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on('error', () => socket.terminate());
});

// /chat: every text message goes to every /chat client, the sender included. ws.send frames it per client (the
// stock way; no pre-framed sharing), which is what issue 5's "Node + ws" figures measure.
chat.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
        if (isBinary) {
            socket.close(1003, 'text only');
            return;
        }
        for (const client of chat.clients) {
            if (client.readyState !== WebSocket.OPEN) continue;
            if (client.bufferedAmount > MAX_BUFFERED) {
                client.terminate();   // slow consumer: the others are not held up
                continue;
            }
            client.send(data, { binary: false });
        }
    });
    socket.on('error', () => socket.terminate());
});

server.on('upgrade', (req, socket, head) => {
    const target = req.url === '/ws' ? echo : req.url === '/chat' ? chat : null;
    if (target === null) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
    }
    target.handleUpgrade(req, socket, head, (ws) => target.emit('connection', ws, req));
});

// One shared timer pings every socket, instead of a timer per socket.
const pings = setInterval(() => {
    for (const wss of [echo, chat]) for (const client of wss.clients) client.ping();
}, PING_INTERVAL_MS);
pings.unref();

server.listen({ port, host: '127.0.0.1', backlog: 511 }, () => {
    // bench/run.sh waits for `GET /` to answer; this line is for a human watching the console.
    console.log(`listening on 127.0.0.1:${port}`);
});

// bench/run.sh stops the peer by PID with SIGTERM: close the listener and exit without waiting for open sockets.
for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
        server.close();
        for (const wss of [echo, chat]) for (const client of wss.clients) client.terminate();
        process.exit(0);
    });
}

function argument(name) {
    const i = process.argv.indexOf(name);
    return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}
