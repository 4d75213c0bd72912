"""The response clock: a socket handed back to the pool is never cut by a late deadline."""
import socket
import threading
import time

from fetch.deadline import ResponseClock


def test_a_clock_disarmed_in_time_never_cuts_its_socket_afterwards():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        clock = ResponseClock(time.monotonic() + 60)
        clock.watch(ours)
        assert clock.disarm() is True   # complete in time: the connection may be reused
        clock.expire()                  # the watchdog's late call is a no-op now
        ours.sendall(b"ping")
        assert theirs.recv(4) == b"ping" and clock.expired is False


def test_a_clock_that_expired_says_so_and_its_socket_is_cut():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        clock = ResponseClock(time.monotonic())
        clock.watch(ours)
        clock.expire()
        assert clock.disarm() is False  # never reused
        assert theirs.recv(4) == b""    # shut down: the peer sees the end of the stream


def _silent_server(accepted: "threading.Semaphore", held: list) -> socket.socket:
    """A server on 127.0.0.1 that accepts connections and never answers on them."""
    server = socket.create_server(("127.0.0.1", 0))

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)
            accepted.release()
    threading.Thread(target=accept, daemon=True).start()
    return server


def test_abort_cuts_a_request_waiting_for_its_answer_and_starts_none_after():
    """A first Ctrl-C (engine.interrupt) aborts the fetcher: a request whose server never answers
    ends at once, not at its read timeout, and what the fetch would do next (the page after its
    robots.txt, a retry) is not requested."""
    from core.settings import load_settings
    from fetch import Fetcher

    accepted, held = threading.Semaphore(0), []
    server = _silent_server(accepted, held)
    port = server.getsockname()[1]
    fetcher = Fetcher(load_settings({"MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0",
                                     "MEDIAMON_READ_TIMEOUT": "600", "MEDIAMON_TOTAL_TIMEOUT": "1200"}))
    results: list = []
    worker = threading.Thread(target=lambda: results.extend(fetcher.fetch(f"http://127.0.0.1:{port}/page")))
    try:
        worker.start()
        assert accepted.acquire(timeout=60)  # robots.txt was asked for, and is waiting for its answer
        started = time.monotonic()
        fetcher.abort()
        worker.join(60)
        assert not worker.is_alive()
        assert time.monotonic() - started < 30  # the read timeout is 600 s
        assert len(held) == 1  # nothing was requested after the abort
        assert results and results[-1].outcome is not None
    finally:
        fetcher.abort()
        server.close()
        for connection in held:
            connection.close()
        fetcher.close()
