"""The agenda: occurrences in time order, ties in the order they were scheduled."""


def note(seen, label):
    """An occurrence as the agenda holds one: a plain function of the engine and an argument."""

    def occur(engine, arg):
        seen.append((engine.now, arg))

    return occur, label


def test_one_instant_runs_in_the_order_its_occurrences_were_scheduled(make_engine):
    engine = make_engine()
    seen = []
    for t, label in [(10, "a"), (5, "b"), (10, "c"), (5, "d")]:
        engine._at(t, *note(seen, label))
    engine.run()
    assert seen == [(5, "b"), (5, "d"), (10, "a"), (10, "c")]


def test_something_due_now_runs_in_the_same_instant_after_what_was_already_due(make_engine):
    engine = make_engine()
    seen = []

    def first(engine, arg):
        seen.append((engine.now, "first"))
        engine._at(engine.now, *note(seen, "due now"))

    engine._at(7, first, None)
    engine._at(7, *note(seen, "second"))
    engine._at(8, *note(seen, "later"))
    engine.run(until=7)
    assert seen == [(7, "first"), (7, "second"), (7, "due now")]
    assert engine.next_time() == 8


def test_step_processes_one_occurrence_at_a_time(make_engine):
    engine = make_engine()
    seen = []
    engine._at(3, *note(seen, "a"))
    engine._at(3, *note(seen, "b"))
    assert engine.step() is not None
    assert seen == [(3, "a")]
    assert engine.pending()
    engine.step()
    assert seen == [(3, "a"), (3, "b")]
    assert not engine.pending()
    assert engine.step() is None
    assert engine.next_time() is None


def test_running_to_an_instant_moves_the_clock_there_even_when_nothing_happens(make_engine):
    engine = make_engine()
    assert len(engine.run(until=500)) == 0
    assert engine.now == 500
    engine.run(until=200)
    assert engine.now == 500  # the clock never runs backwards
