"""engine.interrupt.stop_running_jobs: a process that runs jobs for others (mediamon serve) stops them
as a first Ctrl-C would, on whichever thread they run; a job that has ended is no longer asked."""
import threading

from engine.interrupt import stop_on_signals, stop_running_jobs


def test_a_job_on_another_thread_is_asked_to_stop_and_forgotten_when_it_ends():
    started, stop = threading.Event(), threading.Event()
    stopped = []

    def job():
        with stop_on_signals(stop):
            started.set()
            stopped.append(stop.wait(60))

    thread = threading.Thread(target=job)
    thread.start()
    assert started.wait(60)
    assert stop_running_jobs() == 1
    thread.join(60)
    assert stopped == [True]
    assert stop_running_jobs() == 0


def test_a_job_on_the_main_thread_is_asked_too():
    with stop_on_signals(threading.Event()) as stop:
        assert stop_running_jobs() == 1
        assert stop.is_set()
    assert stop_running_jobs() == 0
