"""The Kaplan-Meier figures of survival.md, through the pure function."""

from decimal import Decimal

import pytest

from portfolio.survival import kaplan_meier, kaplan_meier_counts

D = Decimal

# survival.md, "Worked example": six stays in prototype as of the report date.
WORKED_EXAMPLE = [(50, True), (100, True), (400, False), (500, False), (600, True), (700, False)]


def test_worked_example_of_survival_md():
    result = kaplan_meier(WORKED_EXAMPLE)
    assert [(p.day, p.at_risk, p.events, p.survival) for p in result.curve] == [
        (50, 6, 1, D("0.8333")),
        (100, 5, 1, D("0.6667")),
        (600, 2, 1, D("0.3333")),
    ]
    assert result.median == 600
    assert result.p25 == 100  # S falls to 0.75 or below at 100 days
    assert result.p75 is None  # S never falls to 0.25
    assert (result.stays, result.events, result.censored, result.longest) == (6, 3, 3, 700)


def test_completed_stays_alone_would_say_100_days():
    # The bias survival.md names: the median of 50, 100, 600 is 100.
    completed = [days for days, ended in WORKED_EXAMPLE if ended]
    assert sorted(completed)[1] == 100
    assert kaplan_meier(WORKED_EXAMPLE).median == 600


def test_only_censored_stays_reach_no_median():
    result = kaplan_meier([(30, False), (400, False), (90, False)])
    assert (result.median, result.p25, result.p75) == (None, None, None)
    assert result.curve == ()
    assert (result.stays, result.censored, result.longest) == (3, 3, 400)


def test_a_stay_censored_at_an_event_time_is_still_at_risk_then():
    result = kaplan_meier([(10, True), (10, False)])
    assert [(p.day, p.at_risk, p.events) for p in result.curve] == [(10, 2, 1)]
    assert result.curve[0].survival == D("0.5000")
    assert result.median == 10  # S = 1/2 exactly: reached, with no rounding
    later = kaplan_meier([(10, True), (10, False), (20, True)])
    assert [(p.day, p.at_risk, p.survival) for p in later.curve] == [
        (10, 3, D("0.6667")),
        (20, 1, D("0.0000")),
    ]
    assert later.median == 20


def test_ties_and_whole_days():
    result = kaplan_meier([(5, True), (5, True), (5, True), (8, True)])
    assert [(p.day, p.events, p.survival) for p in result.curve] == [
        (5, 3, D("0.2500")),
        (8, 1, D("0.0000")),
    ]
    assert (result.p25, result.median, result.p75) == (5, 5, 5)


def test_counts_give_what_the_stays_give():
    counts = {(50, True): 1, (100, True): 1, (400, False): 1, (500, False): 1}
    counts |= {(600, True): 1, (700, False): 1}
    assert kaplan_meier_counts(counts) == kaplan_meier(WORKED_EXAMPLE)


def test_no_stays():
    result = kaplan_meier([])
    assert (result.stays, result.median, result.longest, result.curve) == (0, None, None, ())


def test_a_negative_stay_is_refused():
    with pytest.raises(ValueError):
        kaplan_meier([(-1, True)])


def test_a_level_reached_exactly_is_reached_although_the_float_product_says_otherwise():
    # S(3) = 9/10 * 7/9 * 5/7 = 1/2 exactly; the float product is 0.5000000000000001.
    stays = [(1, True), (2, True), (2, True), (3, True), (3, True)] + [(10, False)] * 5
    assert 0.9 * (7 / 9) * (5 / 7) > 0.5
    result = kaplan_meier(stays)
    assert result.curve[-1].survival == D("0.5000")
    assert result.median == 3
