"""The statutory-minutes seed is a faithful transcription of the NCES table."""

from __future__ import annotations

import pandas as pd
import pytest

from lct_pipelines.enrichment.store import state_requirements_seed
from tests.conftest import SHARED_DATA


def test_seed_has_the_50_states_and_no_territories() -> None:
    seed = state_requirements_seed()
    assert len(seed) == 50 and seed.state.is_unique
    assert not set(seed.state) & {"DC", "PR", "VI", "GU", "AS", "MP", "BI"}
    assert seed[["elementary_minutes", "middle_minutes", "high_minutes"]].gt(0).all().all()


def test_seed_equals_the_shared_source_when_present() -> None:
    source = SHARED_DATA / "state_instructional_minutes.csv"
    if not source.exists():
        pytest.skip(f"{source} not present (a user's clone has no shared/ folder)")
    expected = pd.read_csv(source).sort_values("state").reset_index(drop=True)
    seed = state_requirements_seed().sort_values("state").reset_index(drop=True)
    pd.testing.assert_frame_equal(seed[expected.columns], expected, check_dtype=False)
