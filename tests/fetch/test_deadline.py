"""The response clock: a socket handed back to the pool is never cut by a late deadline."""
import socket
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
