"""The broker: topics, subscriptions, buffers, competing instances, delivery and redelivery.

* an event is ``published`` towards its topic; when it arrives, the broker appends it to the event
  log and puts a copy into the buffer of every subscription of that topic.
* a command lands in its handler's command buffer (commands.py gets it there), where the
  handler's instances compete for it.
* an instance takes the oldest message from its service's buffers, works on it, and either
  handles it (side effects, reply, next messages), fails (the broker retries it with back-off) or
  recognises it as a duplicate. A service that is offline takes nothing; its buffers fill up.

A fan-out to many subscribers is the engine's hottest path, so two places finish the common case
inline instead of calling the general method: ``_on_topic_arrival`` starts a lone idle instance
itself (``_start`` written out, scheduling into the slot it already holds), and ``_run_slot``
completes an event whose rule only counts side effects (``_on_done`` written out); ``_start``
puts its instance on the agenda itself. Each says what it repeats; folded into the general
methods, each would cost a call per delivery.
"""

from __future__ import annotations

import heapq
from itertools import islice
from typing import Any

from .instances import _Buffer, _Instance, _Item, _Service
from .messages import COMMAND, EVENT, Message
from .trace import NONE, STEP_CODES
from .world import Rule

DUPLICATE_REASON = "the broker delivered this message a second time"

_DELIVERED = STEP_CODES["delivered"]
_HANDLED = STEP_CODES["handled"]
_PUBLISHED = STEP_CODES["published"]


class Broker:
    """Topics, buffers and instances, and how messages move through them (a part of ``Engine``,
    see core.py)."""

    def _init_broker(self) -> None:
        self._arrivals = 0  # global arrival order of buffered items
        self._shared_details: dict[int, int] = {}  # id(rule) -> its detail's position
        self._services: dict[str, _Service] = {
            name: _Service(name, spec.instances, spec.idempotent)
            for name, spec in self.world.services.items()
        }
        self._topic_subs: dict[str, list[tuple[_Service, _Buffer]]] = {
            t: [] for t in self.world.topics
        }
        self._subscribed: set[tuple[str, str]] = set()
        for topic, subscribers in self.world.topics.items():
            for name in subscribers:
                self._add_subscription(topic, self._services[name])

    def subscribers(self, topic: str) -> list[str]:
        """The services subscribed to ``topic``, in the order they subscribed."""
        return [svc.name for svc, _buffer in self._topic_subs[topic]]

    def _run_slot(self, slot: list[Any], i: int) -> int:
        """Process a slot's occurrences from index ``i``; return how far it got.

        The slot may grow while it is processed (something due "now"), so its length is read
        again on every turn. Completions are stored as bare instances, and the most frequent of
        them, an event handled by a rule that only counts side effects, is finished right here:
        a fan-out to many subscribers spends most of its time in this loop.
        """
        on_done = self._on_done
        record = self._raw.extend
        now = self.now
        last_msg = None
        # A list's iterator reads its length on every turn, so occurrences appended to the slot
        # while it runs are still visited, and the loop ends with the whole slot processed.
        for entry in slot if i == 0 else islice(slot, i, None):
            if entry.__class__ is not _Instance:
                entry[0](self, entry[1])
                continue
            svc = entry.svc
            msg = entry.item.msg
            if msg is not last_msg:
                # A fan-out's completions come in runs sharing one message.
                last_msg = msg
                name, msg_id, ref, event = msg.name, msg.id, msg.ref, msg.kind == EVENT
            if entry.dead or svc.fail_next or not event:
                on_done(entry)
                continue
            plain = svc.plain.get(name)
            if plain is None:
                on_done(entry)
                continue
            if svc.idempotent:
                seen = svc.seen
                if msg_id in seen:
                    on_done(entry)
                    continue
                seen.add(msg_id)
            key, effects = plain
            counters = svc.counters
            counters["handled"] += 1
            for counter, amount in effects:
                if counter in counters:
                    counters[counter] += amount
                else:
                    counters[counter] = amount
            code = entry.code
            if code < 0:
                code = entry.code = self.trace.label(entry.label)
            record((now, _HANDLED, ref, NONE, code, key))
            entry.busy = False
            if svc.queued:
                self._dispatch(svc)
        self._cursor = i = len(slot)
        return i

    # -- events ------------------------------------------------------------------------------------

    def _publish(self, msg: Message, topic: str) -> None:
        delay = dropped = None
        if self._faults:
            delay = self._faults.take_in_transit("delay")
            dropped = self._faults.take_in_transit("drop")
        detail = {"topic": topic, "subscribers": len(self._topic_subs[topic])}
        if delay:
            detail["delayed_by"] = delay.by
        key = len(self._details)
        self._details.append(detail)
        label = self.trace.label
        self._raw.extend((self.now, _PUBLISHED, msg.ref, label(msg.sender), label(topic), key))
        if msg.name not in self._clean_names:
            self._check_name(msg)
        self._at(
            self.now + self._latency() + (delay.by if delay else 0),
            Broker._on_topic_arrival,
            (msg, topic, dropped is not None),
        )

    def _on_topic_arrival(self, arg: tuple[Message, str, bool]) -> None:
        msg, topic, dropped = arg
        if dropped:
            self.record(
                "dropped", msg, topic, reason="lost on the way to the topic (injected fault)"
            )
            return
        self.event_log.append(msg)
        self.projection.apply(msg)
        faults = self._faults.armed
        now = self.now
        ref = msg.ref
        world = self.world
        due = now + world.work_ms
        due_slow = due + world.slow_extra_ms
        slots = self._slots
        record = self._raw.extend
        arrivals = self._arrivals  # kept in a local, and handed back around the slow path
        last_t = last_slot = None
        for svc, buffer in self._topic_subs[topic]:
            # Fast lane for the common case: a single idle instance, online, no armed fault.
            # An idle online instance implies empty buffers (``_dispatch`` keeps it so), so
            # starting at once is exactly what queueing and dispatching would do. This is
            # ``_start`` written out, because a fan-out runs it once per subscriber.
            if svc.capacity == 1 and svc.online and not faults:
                inst = svc.instances[0]
                if not inst.busy:
                    arrivals += 1
                    # The instance's previous item is done with: reuse it rather than allocate.
                    item = inst.item
                    if item is None or item.redelivery or item.catch_up:
                        item = inst.item = _Item(msg, arrivals)
                    else:
                        item.msg = msg
                        item.order = arrivals
                    inst.busy = True
                    inst.buffer = buffer
                    svc.counters["received"] += 1
                    code = inst.code
                    if code < 0:
                        code = inst.code = self.trace.label(inst.label)
                    record((now, _DELIVERED, ref, NONE, code, NONE))
                    t = due_slow if svc.slow else due
                    if t != last_t:
                        last_slot = slots.get(t)
                        if last_slot is None:
                            last_slot = slots[t] = []
                            heapq.heappush(self._times, t)
                        last_t = t
                    last_slot.append(inst)
                    continue
            self._arrivals = arrivals
            self._enqueue(svc, buffer, msg)
            self._dispatch(svc)
            arrivals = self._arrivals
            last_t = None  # dispatching may have created slots; look them up again
        self._arrivals = arrivals

    def _add_subscription(self, topic: str, svc: _Service) -> _Buffer:
        buffer = _Buffer(topic)
        svc.buffers.append(buffer)
        self._topic_subs[topic].append((svc, buffer))
        self._subscribed.add((topic, svc.name))
        return buffer

    # -- buffers and instances ---------------------------------------------------------------------

    def _enqueue(
        self, svc: _Service, buffer: _Buffer, msg: Message, catch_up: bool = False
    ) -> None:
        duplicate = None
        if self._faults:
            if self._faults.take_on_delivery("drop", svc.name, unaimed=False):
                self.record("dropped", msg, svc.name, reason="delivery lost (injected fault)")
                return
            duplicate = self._faults.take_on_delivery("duplicate", svc.name, unaimed=True)
        self._arrivals += 1
        item = _Item(msg, self._arrivals)
        item.catch_up = catch_up
        buffer.items.append(item)
        svc.queued += 1
        if duplicate:
            self._arrivals += 1
            copy = _Item(msg, self._arrivals)
            copy.duplicate = copy.redelivery = True
            copy.catch_up = catch_up
            buffer.items.append(copy)
            svc.queued += 1
        if not svc.online:
            self.record(
                "buffered",
                msg,
                svc.name,
                reason=f"{svc.name} is offline",
                waiting=len(buffer.items),
                topic=buffer.topic,
            )

    def _dispatch(self, svc: _Service) -> None:
        """Hand buffered messages to idle instances, oldest message first."""
        if not svc.online:
            return
        buffers = svc.buffers
        while True:
            best = None
            for buffer in buffers:
                if buffer.items and (best is None or buffer.items[0].order < best.items[0].order):
                    best = buffer
            if best is None:
                return
            inst = self._idle_instance(svc)
            if inst is None:
                return
            svc.queued -= 1
            self._start(svc, inst, best, best.items.popleft())

    def _idle_instance(self, svc: _Service) -> _Instance | None:
        instances = svc.instances
        capacity = svc.capacity
        if capacity == 1:
            first = instances[0]
            return None if first.busy else first
        if self.world.dispatch == "random":
            idle = [inst for inst in instances[:capacity] if not inst.busy]
            return self._rng.choice(idle) if idle else None
        for k in range(capacity):
            inst = instances[(svc.rr + k) % capacity]
            if not inst.busy:
                svc.rr = (inst.index + 1) % capacity
                return inst
        return None

    def _start(self, svc: _Service, inst: _Instance, buffer: _Buffer, item: _Item) -> None:
        inst.busy = True
        inst.item = item
        inst.buffer = buffer
        svc.counters["received"] += 1
        now = self.now
        if item.redelivery or item.catch_up:
            detail: dict[str, Any] = {"attempt": item.attempt}
            if item.duplicate:
                # Said once, on the copy's first delivery; later ones are ordinary redeliveries.
                detail["reason"] = DUPLICATE_REASON
                item.duplicate = False
            if item.catch_up:
                detail["catch_up"] = True
            step = "redelivered" if item.redelivery else "delivered"
            self.record(step, item.msg, inst.label, **detail)
        else:
            code = inst.code
            if code < 0:
                code = inst.code = self.trace.label(inst.label)
            self._raw.extend((now, _DELIVERED, item.msg.ref, NONE, code, NONE))
        world = self.world
        t = now + world.work_ms + (world.slow_extra_ms if svc.slow else 0)
        # ``Agenda._at`` written out for a bare instance: one call fewer for every delivery.
        slot = self._slots.get(t)
        if slot is None:
            slot = self._slots[t] = []
            heapq.heappush(self._times, t)
        slot.append(inst)

    def _on_redeliver(self, inst: _Instance) -> None:
        if inst.dead:
            return
        svc, item, buffer = inst.svc, inst.item, inst.buffer
        item.redelivery = True
        inst.busy = False
        if inst.index >= svc.capacity:
            # The instance was scaled away during the back-off: let another one take it.
            inst.item = inst.buffer = None
            buffer.items.appendleft(item)
            svc.queued += 1
            self._dispatch(svc)
            return
        self._start(svc, inst, buffer, item)

    def _free(self, svc: _Service, inst: _Instance) -> None:
        inst.busy = False
        inst.item = None
        inst.buffer = None
        if svc.queued:
            self._dispatch(svc)

    def _crash(self, svc: _Service) -> None:
        """The service went offline: work in progress is abandoned and goes back to its buffer.

        Nothing was acknowledged, so the broker keeps the message (at-least-once delivery) and
        hands it over again when the service is back.
        """
        abandoned = [inst for inst in svc.instances if inst.busy]
        # Put the newest back first so the oldest ends up at the head of its buffer.
        abandoned.sort(key=lambda inst: inst.item.order, reverse=True)
        for inst in abandoned:
            item, buffer = inst.item, inst.buffer
            inst.dead = True
            fresh = svc.instances[inst.index] = _Instance(svc, inst.index, inst.label)
            fresh.label = inst.label
            item.redelivery = True
            buffer.items.appendleft(item)
            svc.queued += 1
            self.record(
                "buffered",
                item.msg,
                svc.name,
                reason=f"{svc.name} went offline before finishing it; it stays in the buffer",
                waiting=len(buffer.items),
                topic=buffer.topic,
            )

    # -- handling ----------------------------------------------------------------------------------

    def _on_done(self, inst: _Instance) -> None:
        if inst.dead:
            return  # abandoned when the service went offline
        svc = inst.svc
        item = inst.item
        msg = item.msg
        if svc.fail_next:
            self._fail(svc, inst, item)
            return
        if svc.idempotent and msg.id in svc.seen:
            svc.counters["duplicates_ignored"] = svc.counters.get("duplicates_ignored", 0) + 1
            self.record(
                "duplicate_ignored", msg, inst.label, reason=f"{svc.name} already handled {msg.id}"
            )
            if msg.kind == COMMAND:
                outcome, value = svc.results[msg.id]
                self._reply(msg, inst.label, outcome, value)
        elif msg.kind == EVENT:
            # The hot path of every fan-out: kept free of anything an event never needs.
            known = svc.rules.get(msg.name)
            if known is None:
                known = svc.rules[msg.name] = self._compile_rule(svc, msg.name)
            rule, key = known
            counters = svc.counters
            counters["handled"] += 1
            if svc.idempotent:
                svc.seen.add(msg.id)
            if rule is None:
                self.record(
                    "handled", msg, inst.label, note=f"{svc.name} has nothing to do with it"
                )
            else:
                for counter, amount in rule.effects:
                    counters[counter] = counters.get(counter, 0) + amount
                if rule.funds is not None:
                    self._move_funds(rule.funds, msg.payload)
                code = inst.code
                if code < 0:
                    code = inst.code = self.trace.label(inst.label)
                self._raw.extend((self.now, _HANDLED, msg.ref, NONE, code, key))
                if rule.then:
                    self._follow(svc.name, rule, msg, {})
        else:
            self._handle_command(svc, inst.label, msg)
        # ``item`` and ``buffer`` are left behind on purpose: they mean nothing once the
        # instance is not busy, and the fast lane reuses the item for the next delivery.
        inst.busy = False
        if svc.queued:
            self._dispatch(svc)

    def _compile_rule(self, svc: _Service, name: str) -> tuple[Rule | None, int]:
        """The rule for an event at this service and the position of its shared record detail.

        When handling amounts to counting side effects, the detail and the effects also go to
        ``svc.plain``, which is all ``_run_slot`` needs to finish such an event itself.
        """
        rule = self.world.rule_for(svc.name, name)
        key = NONE
        if rule is not None and rule.detail is not None:
            key = self._shared_details.get(id(rule), NONE)
            if key == NONE:
                key = self._shared_details[id(rule)] = len(self._details)
                self._details.append(rule.detail)
        if rule is not None and rule.funds is None and not rule.then and not rule.if_status:
            svc.plain[name] = (key, rule.effects)
        return rule, key

    def _fail(self, svc: _Service, inst: _Instance, item: _Item) -> None:
        """The handler crashes on this message; the broker tries again after a back-off."""
        msg = item.msg
        label = inst.label
        svc.fail_next -= 1
        svc.counters["failed"] = svc.counters.get("failed", 0) + 1
        self.record("failed", msg, label, attempt=item.attempt, reason="the handler crashed")
        if item.attempt < self.world.max_attempts:
            backoff = self.world.retry_backoff_ms * 2 ** (item.attempt - 1)
            item.attempt += 1
            self.record(
                "retried", msg, label, attempt=item.attempt, by="broker", backoff_ms=backoff
            )
            self._at(self.now + backoff, Broker._on_redeliver, inst)
            return
        self.record(
            "dropped",
            msg,
            label,
            reason=f"moved to the dead-letter queue after {item.attempt} failed attempts",
        )
        self._free(svc, inst)
