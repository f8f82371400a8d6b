"""History: columns appended and extended alike, and ``to_dict`` equal to ``dataclasses.asdict``, a copy."""

from __future__ import annotations

import dataclasses

from relulab.training.history import EpochStats, History


def test_extend_equals_appends_and_to_dict_is_asdict_as_a_copy():
    rows = [EpochStats(0, 1.0, 1.5, 0.5, None), EpochStats(1, 0.5, 0.75, 0.75, None),
            EpochStats(2, 0.25, float("nan"), 1.0, None)]
    appended = History()
    for r in rows:
        appended.append(r)
    extended = History()
    extended.append(rows[0])
    extended.extend(1, [[0.5, 0.75, 0.75, 0.0], [0.25, float("nan"), 1.0, 0.0]], True, False)  # no test points
    assert extended.to_dict().keys() == appended.to_dict().keys()
    assert repr(extended.to_dict()) == repr(appended.to_dict())  # nan compares unequal; its repr does not
    appended.extra["dead"] = [[1, 2], [3]]
    d = appended.to_dict()
    assert repr(d) == repr(dataclasses.asdict(appended))
    d["train_loss"].append(9.0)
    d["extra"]["dead"][0].append(7)
    assert appended.train_loss == [1.0, 0.5, 0.25] and appended.extra["dead"] == [[1, 2], [3]]
    back = History.from_dict(appended.to_dict())
    assert repr(back) == repr(appended)
