"""The one bounded cache: least recently used values go first, and it never grows past its size."""

import threading

import pytest

from live.cache import BoundedCache


def test_get_makes_a_missing_value_once_and_keeps_it():
    cache = BoundedCache(size=4)
    made = []
    assert cache.get("a", lambda: made.append("a") or 1) == 1
    assert cache.get("a", lambda: made.append("again") or 2) == 1
    assert made == ["a"]
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_least_recently_used_value_goes_first():
    cache = BoundedCache(size=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.peek("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert "b" not in cache
    assert (cache.peek("a"), cache.peek("c")) == (1, 3)
    assert len(cache) == 2


def test_peek_pop_and_clear_make_nothing():
    cache = BoundedCache(size=2)
    assert cache.peek("missing") is None
    assert cache.peek("missing", "default") == "default"
    cache["a"] = 1
    assert cache["a"] == 1
    assert cache.pop("a") == 1
    assert cache.pop("a") is None
    cache.put("b", 2)
    cache.clear()
    assert len(cache) == 0


def test_many_threads_never_push_it_past_its_size():
    cache = BoundedCache(size=50)

    def fill(offset):
        for i in range(2000):
            cache.get((offset, i % 120), lambda i=i: i)

    threads = [threading.Thread(target=fill, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 50


def test_a_cache_must_hold_something():
    with pytest.raises(ValueError, match="at least one"):
        BoundedCache(size=0)


def test_a_hit_does_not_wait_for_a_thread_that_is_adding_a_value():
    cache = BoundedCache(size=4)
    cache.put("a", 1)
    answers = []
    with cache._lock:  # another thread in the middle of a put
        reader = threading.Thread(target=lambda: answers.append(cache.get("a", lambda: 2)))
        reader.start()
        reader.join(timeout=5)
        assert answers == [1]
    assert cache.peek("a") == 1
