"""Network peers that fail: a port where nothing listens, a listener that never answers."""

import contextlib
import socket
import threading


def closed_port():
    """A 127.0.0.1 port with nothing listening (bound once to find it, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def silent_listener():
    """Yields the port of a 127.0.0.1 listener that accepts connections and never sends a byte.

    What a hung database or Redis looks like to a client. Stopped (and every accepted
    connection closed) when the block ends.
    """
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    accepted = []
    stopping = threading.Event()

    def accept_forever():
        while not stopping.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stopping.set()
        thread.join(timeout=2)
        server.close()
        for connection in accepted:
            connection.close()
