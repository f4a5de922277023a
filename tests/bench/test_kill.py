"""bench/kill.py in small: the server killed a few times while learners act loses nothing it
acknowledged, and a server stopped with SIGTERM saves the play progress its screens showed."""

import pytest

from bench.harness import server_env
from bench.kill import run


@pytest.mark.usefixtures("transactional_db", "collected_static")
def test_killing_the_server_loses_no_acknowledged_input(server_database, tmp_path):
    tally = run(env=server_env(server_database), log_dir=tmp_path, kills=4, learners=3, seed=7)
    assert tally.failures == []
    assert tally.sigterm == 2
    assert tally.sigkill == 2
    assert tally.acked > 0
    assert tally.lost == 0
    assert tally.progress_checked == 2
    assert tally.progress_lost == 0
