"""A run releases the GIL, is stopped by Ctrl-C, and runs in forked and spawned children."""

import multiprocessing
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import credsim

# About a second in a release build on one thread.
LONG = dict(preset="suining-2010", persons=150_000, years=10, seed=1, threads=1, persons_table="none")


def test_a_heartbeat_keeps_ticking_during_a_run(capsys):
    ticks: list[float] = []
    stop = threading.Event()

    def beat():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    t = threading.Thread(target=beat)
    t.start()
    start = time.monotonic()
    r = credsim.run(**LONG)
    end = time.monotonic()
    stop.set()
    t.join()
    during = [x for x in ticks if start <= x <= end]
    gaps = [b - a for a, b in zip(during, during[1:])]
    assert end - start > 0.3, "the run is too short to show anything"
    # Holding the GIL for the run would leave one gap as long as the run.
    assert during and max(gaps) < 0.25 * (end - start), (max(gaps), end - start)
    assert len(during) > 0.2 * (end - start) / 0.005
    with capsys.disabled():
        print(f"\n[gil] run {end - start:.2f} s ({r.wall_seconds:.2f} s in the engine); "
              f"{len(during)} heartbeats, longest gap {max(gaps) * 1000:.0f} ms")


def test_two_threads_run_side_by_side(capsys):
    """Reported, not asserted (timings on a shared machine)."""
    start = time.monotonic()
    one = credsim.run(**LONG)
    single = time.monotonic() - start
    results = []
    threads = [threading.Thread(target=lambda: results.append(credsim.run(**LONG))) for _ in range(2)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    both = time.monotonic() - start
    assert len(results) == 2 and all(r.summary == one.summary for r in results)
    with capsys.disabled():
        print(f"\n[gil] one run {single:.2f} s; two runs in two Python threads {both:.2f} s "
              f"({both / single:.2f} × one; 2 × if the GIL were held)")


def child_run(seed: int) -> dict:
    return credsim.run(preset="rongcheng", persons=4000, years=1, seed=seed, threads=2).summary


def test_forked_and_spawned_children_do_not_hang():
    expected = [child_run(s) for s in (1, 2)]  # the parent has run (and had thread pools) first
    for method in ("fork", "spawn"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
            ctx = multiprocessing.get_context(method)
            with ctx.Pool(2) as pool:
                got = pool.map_async(child_run, [1, 2]).get(timeout=120)
        assert got == expected, method


def test_ctrl_c_stops_a_run_within_a_second():
    code = textwrap.dedent("""
        import sys, time, credsim
        print("started", flush=True)
        try:
            credsim.run(preset="suining-2010", persons=4_000_000, years=10, threads=1,
                        audit=False, persons_table="none")
            print("finished", flush=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(0)
    """)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    assert p.stdout.readline().strip() == "started"
    time.sleep(1.5)  # well into the run
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        raise
    latency = time.monotonic() - sent
    assert out.strip() == "interrupted", (out, err)
    assert p.returncode == 0
    assert latency < 1.5, f"stopped {latency:.2f} s after SIGINT"
