"""Each filter on good input returns the right rows; on malformed input it answers 400
naming the parameter (never 500, never all rows)."""

from __future__ import annotations

import pytest

from tests.support.clients import token_client
from tests.support.factories import make_user


def names(body) -> set[str]:
    out = set()
    for row in body["results"]:
        if "name" in row:
            out.add(row["name"])
        elif isinstance(row.get("startup"), dict):
            out.add(row["startup"]["name"])
        else:
            out.add(row.get("startup_name"))
    return out


W, C, K, H = "未磁科技", "相干科技", "科微量子", "华翊量子"

GOOD = [
    ("/api/v1/institutions/", {"kind": "cas_institute"}, {"中国科学院物理研究所"}),
    ("/api/v1/institutions/", {"search": "Tsinghua"}, {"清华大学"}),
    ("/api/v1/stages/", {"search": "pilot"}, {"中试验证"}),
    ("/api/v1/startups/", {"stage": "pilot"}, {C}),
    ("/api/v1/startups/", {"stage": ["pilot", "concept"]}, {C, K}),
    ("/api/v1/startups/", {"stage": "pilot,first-sales"}, {C, W}),
    ("/api/v1/startups/", {"tech_area": "computing"}, {C, H}),
    ("/api/v1/startups/", {"status": "closed"}, {H}),
    ("/api/v1/startups/", {"institution": "INST_CAS"}, {W}),
    ("/api/v1/startups/", {"founded_after": "2021-03-01"}, {C, K}),
    ("/api/v1/startups/", {"founded_before": "2021-01-01"}, {W, H}),
    ("/api/v1/startups/", {"in_valley": "true"}, {C}),
    ("/api/v1/startups/", {"in_valley": "false"}, {W, K, H}),
    ("/api/v1/startups/", {"crossed_valley": "true"}, {W}),
    ("/api/v1/startups/", {"crossed_valley": "0"}, {C, K, H}),
    ("/api/v1/startups/", {"fund": "FUND"}, {W, C}),
    ("/api/v1/startups/", {"fund": 999999}, set()),
    ("/api/v1/startups/", {"search": "Weici"}, {W}),
    ("/api/v1/stage-transitions/", {"startup": "WEICI"}, {W}),
    ("/api/v1/stage-transitions/", {"to_stage": "closed"}, {H}),
    ("/api/v1/stage-transitions/", {"after": "2023-01-01"}, {W, C}),
    ("/api/v1/stage-transitions/", {"before": "2021-01-31"}, {W}),
    ("/api/v1/milestones/", {"startup": "COHERENT"}, {C}),
    ("/api/v1/milestones/", {"kind": "certification"}, {W}),
    ("/api/v1/milestones/", {"after": "2023-01-01"}, {W}),
    ("/api/v1/milestones/", {"before": "2023-01-01"}, {C}),
    ("/api/v1/kpi-reports/", {"startup": "COHERENT"}, {C}),
    ("/api/v1/kpi-reports/", {"year": 2024}, {W}),
    ("/api/v1/kpi-reports/", {"quarter": 4}, {C}),
    ("/api/v1/investors/", {"kind": "government_fund"}, {"北京市机器人基金"}),
    ("/api/v1/funding-rounds/", {"startup": "COHERENT"}, {C}),
    ("/api/v1/funding-rounds/", {"round_type": "seed"}, {C}),
    ("/api/v1/funding-rounds/", {"closed_after": "2023-01-01"}, {W}),
    ("/api/v1/funding-rounds/", {"closed_before": "2022-12-31"}, {W, C}),
    ("/api/v1/funding-rounds/", {"amount_min": "150000000"}, {W}),
    ("/api/v1/funding-rounds/", {"amount_max": "150000000.00"}, {W}),
    ("/api/v1/funding-rounds/", {"investor": "IDG"}, {W, C}),
    ("/api/v1/funding-rounds/", {"tech_area": "computing"}, {C}),
    ("/api/v1/funding-rounds/", {"stage": "pilot"}, {C}),
    ("/api/v1/funds/", {"search": "Beijing"}, {"北京量子信息产业发展投资基金"}),
    ("/api/v1/commitments/", {"fund": "FUND"}, {W, C}),
    ("/api/v1/commitments/", {"startup": "COHERENT"}, {C}),
    ("/api/v1/commitments/", {"status": "cancelled"}, set()),
]

BAD = [
    ("/api/v1/institutions/", "kind", "castle"),
    ("/api/v1/startups/", "stage", "no-such-stage"),
    ("/api/v1/startups/", "stage", "not a slug!"),
    ("/api/v1/startups/", "tech_area", "alchemy"),
    ("/api/v1/startups/", "status", "asleep"),
    ("/api/v1/startups/", "institution", "abc"),
    ("/api/v1/startups/", "institution", "0"),
    ("/api/v1/startups/", "institution", str(2**70)),
    ("/api/v1/startups/", "founded_after", "2024-13-01"),
    ("/api/v1/startups/", "founded_before", "yesterday"),
    ("/api/v1/startups/", "in_valley", "maybe"),
    ("/api/v1/startups/", "crossed_valley", "2"),
    ("/api/v1/startups/", "fund", "1.5"),
    ("/api/v1/startups/", "ordering", "password"),
    ("/api/v1/startups/", "search", "a\x00b"),
    ("/api/v1/stage-transitions/", "startup", "x"),
    ("/api/v1/stage-transitions/", "to_stage", "moon"),
    ("/api/v1/stage-transitions/", "after", "2024-02-30"),
    ("/api/v1/stage-transitions/", "before", "01/02/2024x"),
    ("/api/v1/milestones/", "startup", "-3"),
    ("/api/v1/milestones/", "kind", "party"),
    ("/api/v1/milestones/", "after", "soon"),
    ("/api/v1/milestones/", "before", "2024-00-01"),
    ("/api/v1/kpi-reports/", "startup", "one"),
    ("/api/v1/kpi-reports/", "year", "1999"),
    ("/api/v1/kpi-reports/", "quarter", "5"),
    ("/api/v1/investors/", "kind", "uncle"),
    ("/api/v1/funding-rounds/", "startup", "1e3"),
    ("/api/v1/funding-rounds/", "round_type", "z"),
    ("/api/v1/funding-rounds/", "closed_after", "2024"),
    ("/api/v1/funding-rounds/", "closed_before", "tomorrow"),
    ("/api/v1/funding-rounds/", "amount_min", "lots"),
    ("/api/v1/funding-rounds/", "amount_max", "1e400"),
    ("/api/v1/funding-rounds/", "investor", "IDG"),
    ("/api/v1/funding-rounds/", "tech_area", "magic"),
    ("/api/v1/funding-rounds/", "stage", "nowhere"),
    ("/api/v1/funds/", "ordering", "secret"),
    ("/api/v1/commitments/", "fund", "big"),
    ("/api/v1/commitments/", "startup", "NaN"),
    ("/api/v1/commitments/", "status", "pending"),
    ("/api/v1/reports/pipeline/", "tech_area", "alchemy"),
    ("/api/v1/reports/pipeline/", "institution", "x"),
    ("/api/v1/reports/pipeline/", "cohort", "twenty"),
    ("/api/v1/reports/pipeline/", "as_of", "2024-02-31"),
]


def resolve(params: dict, world) -> dict:
    ids = {
        "INST_CAS": world.cas.pk,
        "WEICI": world.weici.pk,
        "COHERENT": world.coherent.pk,
        "IDG": world.idg.pk,
        "FUND": world.fund.pk,
    }
    return {
        key: ids.get(value, value) if isinstance(value, str) else value
        for key, value in params.items()
    }


@pytest.fixture
def client(world):
    return token_client(make_user("viewers"))


@pytest.mark.parametrize(("url", "params", "expected"), GOOD)
def test_filter_returns_the_right_rows(client, world, url, params, expected):
    response = client.get(url, {**resolve(params, world), "page_size": 500})
    assert response.status_code == 200, response.content
    assert names(response.json()) == expected


@pytest.mark.parametrize(("url", "param", "value"), BAD)
def test_malformed_filter_answers_400_naming_the_parameter(client, url, param, value):
    response = client.get(url, {param: value})
    assert response.status_code == 400, response.content
    assert param in response.json()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_malformed_filter_on_an_export_answers_json_400(client, fmt):
    response = client.get("/api/v1/startups/", {"stage": "nowhere", "format": fmt})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "stage" in response.json()


def test_unknown_stage_among_known_ones_is_refused(client):
    response = client.get("/api/v1/startups/", {"stage": ["pilot", "nowhere"]})
    assert response.status_code == 400
    assert "nowhere" in response.json()["stage"][0]


def test_browsable_api_never_renders_a_select_of_more_than_100_options(world, superuser):
    import re

    from portfolio.models import Startup
    from tests.support.clients import login

    Startup.objects.bulk_create(
        Startup(name=f"批量{n}", tech_area="computing", stage=world.weici.stage, trl=2)
        for n in range(120)
    )
    client = login(superuser)
    for url in [
        "/api/v1/startups/",
        "/api/v1/commitments/",
        "/api/v1/funding-rounds/",
        "/api/v1/milestones/",
        "/api/v1/kpi-reports/",
    ]:
        html = client.get(url, HTTP_ACCEPT="text/html").content.decode()
        selects = re.findall(r"<select.*?</select>", html, flags=re.S)
        assert selects, url  # the forms are there
        for select in selects:
            assert select.count("<option") <= 101, url
