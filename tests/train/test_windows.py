import numpy as np
import pandas as pd

from recsys.train.windows import last_items, make_windows, user_sequences


def test_user_sequences_are_chronological_with_file_order_ties():
    frame = pd.DataFrame({"user_idx": [0, 0, 0, 1, 1], "item_idx": [5, 3, 4, 1, 2], "timestamp": [30, 10, 10, 5, 1]})
    seqs = user_sequences(frame)
    # user 0: t=10 item 3 (file row 1), t=10 item 4 (row 2), t=30 item 5 -> model ids +1
    np.testing.assert_array_equal(seqs[0], [4, 5, 6])
    np.testing.assert_array_equal(seqs[1], [3, 2])


def test_windows_cover_every_target_once_and_are_left_padded():
    seqs = {7: np.array([1, 2, 3, 4, 5, 6])}
    w = make_windows(seqs, max_len=3)
    # windows end at targets 6 and 3 (stride 3), then target 2 would need history [1] -> end index 1
    # ends: e=5 -> hist [3,4,5] targ [4,5,6]; e=2 -> hist [1,2] targ [2,3]
    np.testing.assert_array_equal(w.history, [[3, 4, 5], [0, 1, 2]])
    np.testing.assert_array_equal(w.targets, [[4, 5, 6], [0, 2, 3]])
    np.testing.assert_array_equal(w.users, [7, 7])
    targets = w.targets[w.targets > 0]
    assert sorted(targets.tolist()) == [2, 3, 4, 5, 6]  # every item but the first, once


def test_every_position_windows_for_ratings():
    seqs = {0: np.array([1, 2, 3])}
    w = make_windows(seqs, max_len=2, ratings={0: np.array([5.0, 4.0, 3.0])}, every_position=True)
    np.testing.assert_array_equal(w.history, [[1, 2], [0, 1]])
    np.testing.assert_array_equal(w.targets[:, -1], [3, 2])
    np.testing.assert_array_equal(w.ratings[:, -1], [3.0, 4.0])


def test_long_histories_keep_the_most_recent_items():
    seqs = {0: np.arange(1, 21), 1: np.array([9])}
    h = last_items(seqs, [0, 1, 2], max_len=5)
    np.testing.assert_array_equal(h, [[16, 17, 18, 19, 20], [0, 0, 0, 0, 9], [0, 0, 0, 0, 0]])


def test_head_positions_fall_on_real_targets_and_cover_them():
    """One random target position per left-padded window: never padding, every target reachable."""
    from recsys.train.batches import head_positions

    labels = np.array([[-1, -1, -1, 4, 7], [1, 2, 3, 4, 5], [-1, -1, -1, -1, 9]])
    rng = np.random.default_rng(0)
    drawn = np.stack([head_positions(labels, rng.random(3)) for _ in range(400)])  # [draws, windows]
    assert (labels[np.arange(3), drawn] >= 0).all()
    assert set(drawn[:, 0]) == {3, 4} and set(drawn[:, 1]) == {0, 1, 2, 3, 4} and set(drawn[:, 2]) == {4}
