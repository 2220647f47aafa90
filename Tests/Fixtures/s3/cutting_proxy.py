#!/usr/bin/env python3
"""A TCP proxy on loopback that breaks its first connection mid-response, for the S3 stream
resume test: `cutting_proxy.py UPSTREAM_PORT CUT_AFTER_BYTES` prints its own port, then forwards
every connection to 127.0.0.1:UPSTREAM_PORT; on the first one it closes both sides once
CUT_AFTER_BYTES bytes of the response have passed. Stops when stdin closes."""
import socket
import sys
import threading

upstream_port, cut_after = int(sys.argv[1]), int(sys.argv[2])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print(listener.getsockname()[1], flush=True)
first = [True]
lock = threading.Lock()


def pipe(source, sink, limit=None):
    passed = 0
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if limit is not None and passed + len(data) >= limit:
                sink.sendall(data[: max(0, limit - passed)])
                break
            sink.sendall(data)
            passed += len(data)
    except OSError:
        pass
    for s in (source, sink):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def serve():
    while True:
        client, _ = listener.accept()
        server = socket.create_connection(("127.0.0.1", upstream_port))
        with lock:
            limit, first[0] = (cut_after if first[0] else None), False
        threading.Thread(target=pipe, args=(client, server), daemon=True).start()
        threading.Thread(target=pipe, args=(server, client, limit), daemon=True).start()


threading.Thread(target=serve, daemon=True).start()
sys.stdin.read()
