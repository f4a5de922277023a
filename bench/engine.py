"""Throughput of the simulator engine, measured against SimPy in the same run.

Three workloads:

* fan-out: one publisher, 20 subscribers, 50,000 events (1,000,000 deliveries);
* commands: one sender, one handler with 4 competing instances, 50,000 commands with replies;
* replay: folding a 100,000-event log into a fresh projection.

The fan-out workload is also written with SimPy (stores and processes, the idiomatic way), and
the engine's deliveries per second are reported as a ratio of SimPy's. The engine does more per
delivery than the SimPy model (it keeps a full trace, counters and buffers), so the ratio is
conservative. Each figure is the median of a few repeats. Run: ``python bench/engine.py``.
"""

from __future__ import annotations

import gc
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import simpy

from simulator.engine import Engine, World
from simulator.engine.naming import simple_classify

EVENTS = 50_000
SUBSCRIBERS = 20
COMMANDS = 50_000
REPLAY = 100_000
REPEATS = 5


def fanout_world(subscribers: int = SUBSCRIBERS) -> World:
    names = [f"S{i:02d}" for i in range(1, subscribers + 1)]
    return World.from_data(
        {
            "name": "fan-out",
            "latency_ms": 1,
            "work_ms": 1,
            "services": {"Source": {}, **{n: {} for n in names}},
            "topics": {"ticks": names},
            "events": {"TickHappened": {"topic": "ticks", "publisher": "Source"}},
            "rules": [{"service": n, "on": "TickHappened", "effects": {"seen": 1}} for n in names],
        }
    )


def command_world() -> World:
    return World.from_data(
        {
            "name": "commands",
            "latency_ms": 1,
            "work_ms": 3,
            "services": {"Sender": {}, "Worker": {"instances": 4}},
            "commands": {"DoWork": {"handler": "Worker"}},
            "rules": [{"service": "Worker", "on": "DoWork", "effects": {"done": 1}}],
            "default_policy": {"timeout_ms": 60_000},
        }
    )


def engine_fanout() -> tuple[float, int]:
    engine = Engine(fanout_world(), seed=1, classify_name=simple_classify)
    start = time.process_time()
    for i in range(EVENTS):
        engine.apply({"action": "publish", "name": "TickHappened", "at": i})
    engine.run()
    elapsed = time.process_time() - start
    deliveries = sum(c["received"] for c in engine.counters().values())
    assert deliveries == EVENTS * SUBSCRIBERS, deliveries
    return elapsed, deliveries


def engine_commands() -> tuple[float, int]:
    engine = Engine(command_world(), seed=1, classify_name=simple_classify)
    start = time.process_time()
    for i in range(COMMANDS):
        engine.apply({"action": "send", "name": "DoWork", "at": i})
    engine.run()
    elapsed = time.process_time() - start
    counts = engine.counters()["Worker"]
    assert counts["done"] == COMMANDS, counts
    return elapsed, counts["received"]


def simpy_fanout() -> tuple[float, int]:
    """The fan-out workload as a SimPy model: same latency, work time and ordering."""
    start = time.process_time()
    env = simpy.Environment()
    stores = [simpy.Store(env) for _ in range(SUBSCRIBERS)]
    seen = [0] * SUBSCRIBERS

    def arrive(event: simpy.Event) -> None:
        for store in stores:
            store.put(event.value)

    def publisher(env: simpy.Environment):
        for i in range(EVENTS):
            env.timeout(1, value=i).callbacks.append(arrive)
            yield env.timeout(1)

    def subscriber(env: simpy.Environment, k: int):
        store = stores[k]
        while True:
            yield store.get()
            yield env.timeout(1)
            seen[k] += 1

    env.process(publisher(env))
    for k in range(SUBSCRIBERS):
        env.process(subscriber(env, k))
    env.run()
    elapsed = time.process_time() - start
    assert sum(seen) == EVENTS * SUBSCRIBERS
    return elapsed, sum(seen)


def replay_log() -> float:
    world = fanout_world(subscribers=1)
    engine = Engine(world, seed=1, classify_name=simple_classify)
    for i in range(REPLAY):
        engine.apply({"action": "publish", "name": "TickHappened", "at": i})
    engine.run()
    assert len(engine.event_log) == REPLAY
    start = time.process_time()
    engine.apply({"action": "replay_events"})
    elapsed = time.process_time() - start
    assert engine.trace[-1].step == "replay_finished"
    assert engine.trace[-1].detail["matches_live"]
    return elapsed


def main() -> None:
    print(f"python {platform.python_version()} on {platform.machine()}, simpy {simpy.__version__}")
    # Engine and SimPy runs alternate, so both see the same load on a shared machine; the ratio
    # is taken per pair and its median reported.
    fan, base, ratios = [], [], []
    for _ in range(REPEATS):
        gc.collect()
        fan.append(engine_fanout())
        gc.collect()
        base.append(simpy_fanout())
        ratios.append((fan[-1][1] / fan[-1][0]) / (base[-1][1] / base[-1][0]))
    fan_rate = statistics.median(d / t for t, d in fan)
    base_rate = statistics.median(d / t for t, d in base)
    ratio = statistics.median(ratios)
    print(f"engine fan-out: {EVENTS} events x {SUBSCRIBERS} subscribers, full trace kept")
    print(f"  median {statistics.median(t for t, _ in fan):.2f} s, {fan_rate:,.0f} deliveries/s")
    print("simpy fan-out, same workload (stores and processes, no trace)")
    print(f"  median {statistics.median(t for t, _ in base):.2f} s, {base_rate:,.0f} deliveries/s")
    print(f"ratio engine/simpy per pair: {', '.join(f'{r:.2f}' for r in ratios)}")
    cmd = []
    for _ in range(REPEATS):
        gc.collect()
        cmd.append(engine_commands())
    cmd_rate = statistics.median(d / t for t, d in cmd)
    print(f"engine commands: {COMMANDS} commands, 4 competing instances, with replies")
    print(f"  median {statistics.median(t for t, _ in cmd):.2f} s, {cmd_rate:,.0f} commands/s")
    replays = []
    for _ in range(REPEATS):
        gc.collect()
        replays.append(replay_log())
    replay = statistics.median(replays)
    print(f"engine replay: {REPLAY} events into a fresh projection")
    print(f"  median {replay:.3f} s")
    print(
        f"RESULT deliveries_per_s={fan_rate:.0f} simpy_ratio={ratio:.2f} "
        f"replay_100k_s={replay:.3f} commands_per_s={cmd_rate:.0f}"
    )


if __name__ == "__main__":
    main()
