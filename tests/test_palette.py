"""The types' colours stay distinguishable with normal vision and the common colour-vision
deficiencies (deuteranopia, protanopia): every pair at CIEDE2000 ≥ 10 in each simulation."""

import itertools

import pytest

from tests.colour import ciede2000, lab

MIN_DIFFERENCE = 10.0


@pytest.mark.parametrize("vision", [None, "deutéranopie", "protanopie"])
def test_type_colours_are_pairwise_distinct(vocab, vision):
    types = vocab["type"]
    seen = {key: lab(types.colour(key), vision) for key in types.keys}
    close = [
        (a, b, round(ciede2000(seen[a], seen[b]), 1))
        for a, b in itertools.combinations(seen, 2)
        if ciede2000(seen[a], seen[b]) < MIN_DIFFERENCE
    ]
    assert close == []


def test_ciede2000_matches_the_published_test_data():
    # Sharma, Wu & Dalal (2005), table 1, pairs 1 and 17
    assert ciede2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50.0, 2.5, 0.0), (73.0, 25.0, -18.0)) == pytest.approx(27.1492, abs=1e-4)
