"""The API as the tests see it: its routes (read from the URL configuration) and a good
value for every filter of every list."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


def api_routes() -> dict[str, list[str]]:
    """name -> URL keyword arguments of every route under /api/ (from the URL configuration)."""
    found: dict[str, list[str]] = {}

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern) and route.lstrip("^").startswith("api/"):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found[name] = list(pattern.pattern.regex.groupindex)

    walk(get_resolver().url_patterns, "", None)
    return found


def lp_id() -> int:
    from portfolio.models import LimitedPartner

    return LimitedPartner.objects.order_by("pk").values_list("pk", flat=True).first()


def round_id(world) -> int:
    """The world's round the fund paid into (weici's B round)."""
    from portfolio.models import Disbursement

    return Disbursement.objects.filter(commitment__fund=world.fund).values_list(
        "funding_round", flat=True
    )[0]


def list_filters(world) -> dict[str, dict[str, object]]:
    """Every list endpoint with every one of its filters set to a good value."""
    return {
        "/api/v1/institutions/": {"kind": "university", "search": "研究", "ordering": "name"},
        "/api/v1/stages/": {"search": "o", "ordering": "-order"},
        "/api/v1/startups/": {
            "stage": ["concept", "prototype"],
            "tech_area": "computing",
            "status": "active",
            "institution": world.tsinghua.pk,
            "founded_after": "2019-01-01",
            "founded_before": "2024-01-01",
            "in_valley": "true",
            "crossed_valley": "false",
            "fund": world.fund.pk,
            "search": "量子",
            "ordering": "-total_raised",
        },
        "/api/v1/stage-transitions/": {
            "startup": world.weici.pk,
            "to_stage": "pilot",
            "after": "2020-01-01",
            "before": "2024-12-31",
            "search": "未磁",
            "ordering": "on",
        },
        "/api/v1/milestones/": {
            "startup": world.weici.pk,
            "kind": "certification",
            "after": "2020-01-01",
            "before": "2024-12-31",
            "search": "NMPA",
            "ordering": "achieved_on",
        },
        "/api/v1/kpi-reports/": {
            "startup": world.weici.pk,
            "year": 2024,
            "quarter": 2,
            "search": "未磁",
            "ordering": "revenue",
        },
        "/api/v1/kpi-requests/": {"year": 2024, "quarter": 3, "ordering": "due_on"},
        "/api/v1/kpi-submissions/": {
            "startup": world.weici.pk,
            "request": world.kpi_request.pk,
            "year": 2024,
            "quarter": 3,
            "status": "submitted",
            "search": "未磁",
            "ordering": "submitted_at",
        },
        "/api/v1/investors/": {"kind": "vc", "search": "IDG", "ordering": "name"},
        "/api/v1/facilities/": {
            "kind": "dilution_refrigerator",
            "booking_unit": "cooldown_run",
            "search": "稀释",
            "ordering": "name",
        },
        "/api/v1/facility-bookings/": {
            "facility": world.fridge.pk,
            "startup": world.weici.pk,
            "kind": "dilution_refrigerator",
            "starts_after": "2024-05-01",
            "starts_before": "2024-05-31",
            "search": "未磁",
            "ordering": "starts_at",
        },
        "/api/v1/tech-transfers/": {
            "startup": world.weici.pk,
            "institution": world.weici.institution_id,
            "mode": "licence",
            "contract_after": "2023-01-01",
            "contract_before": "2023-12-31",
            "ip_kind": "invention",
            "search": "磁传感",
            "ordering": "contract_on",
        },
        "/api/v1/space-leases/": {
            "startup": world.weici.pk,
            "kind": "lab",
            "unit": "L-201",
            "is_public_service_area": "false",
            "starts_after": "2024-01-01",
            "starts_before": "2024-12-31",
            "search": "未磁",
            "ordering": "starts_on",
        },
        "/api/v1/mentors/": {
            "kind": "investor",
            "is_full_time": "false",
            "appointed_after": "2022-01-01",
            "appointed_before": "2023-12-31",
            "search": "张",
            "ordering": "name",
        },
        "/api/v1/mentoring-sessions/": {
            "mentor": world.mentor.pk,
            "startup": world.weici.pk,
            "kind": "investor",
            "held_after": "2024-05-01",
            "held_before": "2024-05-31",
            "search": "未磁",
            "ordering": "held_on",
        },
        "/api/v1/incubation-agreements/": {
            "startup": world.weici.pk,
            "starts_after": "2021-01-01",
            "starts_before": "2021-12-31",
            "deadline_after": "2025-01-01",
            "deadline_before": "2025-12-31",
            "search": "未磁",
            "ordering": "incubation_deadline",
        },
        "/api/v1/policy-applications/": {
            "startup": world.weici.pk,
            "programme": "specialised_sme",
            "level": "municipal",
            "status": "approved",
            "applied_after": "2023-01-01",
            "applied_before": "2023-12-31",
            "valid_on": "2024-01-01",
            "search": "未磁",
            "ordering": "applied_on",
        },
        "/api/v1/financing-introductions/": {
            "startup": world.weici.pk,
            "investor": world.robotics.pk,
            "channel": "roadshow",
            "outcome": "invested",
            "introduced_after": "2023-01-01",
            "introduced_before": "2023-12-31",
            "search": "未磁",
            "ordering": "introduced_on",
        },
        "/api/v1/funding-rounds/": {
            "startup": world.weici.pk,
            "round_type": "a",
            "closed_after": "2020-01-01",
            "closed_before": "2024-12-31",
            "amount_min": "1000.00",
            "amount_max": "900000000",
            "investor": world.robotics.pk,
            "tech_area": "sensing",
            "stage": "first-sales",
            "search": "未磁",
            "ordering": "-amount",
        },
        "/api/v1/funds/": {"search": "量子", "ordering": "size"},
        "/api/v1/limited-partners/": {
            "kind": "government_guidance",
            "search": "引导",
            "ordering": "name",
        },
        "/api/v1/lp-commitments/": {
            "fund": world.fund.pk,
            "limited_partner": lp_id(),
            "search": "引导",
            "ordering": "-amount",
        },
        "/api/v1/capital-calls/": {
            "fund": world.fund.pk,
            "after": "2024-01-01",
            "before": "2024-12-31",
            "search": "量子",
            "ordering": "call_date",
        },
        "/api/v1/fund-expenses/": {"fund": world.fund.pk, "search": "a", "ordering": "amount"},
        "/api/v1/management-fees/": {"fund": world.fund.pk, "through": "2025-06-30"},
        "/api/v1/lp-distributions/": {
            "fund": world.fund.pk,
            "search": "a",
            "ordering": "-paid_on",
        },
        "/api/v1/commitments/": {
            "fund": world.fund.pk,
            "startup": world.weici.pk,
            "status": "approved",
            "search": "未磁",
            "ordering": "-amount",
        },
        "/api/v1/disbursements/": {
            "fund": world.fund.pk,
            "startup": world.weici.pk,
            "commitment": world.fund.commitments.get(startup=world.weici).pk,
            "round": round_id(world),
            "after": "2023-01-01",
            "before": "2023-12-31",
            "search": "未磁",
            "ordering": "-paid_on",
        },
        "/api/v1/valuation-marks/": {
            "fund": world.fund.pk,
            "startup": world.weici.pk,
            "method": "recent_round",
            "after": "2024-01-01",
            "before": "2024-12-31",
            "search": "未磁",
            "ordering": "-fair_value",
        },
        "/api/v1/distributions/": {
            "fund": world.fund.pk,
            "startup": world.weici.pk,
            "kind": "dividend",
            "after": "2024-01-01",
            "before": "2024-12-31",
            "search": "未磁",
            "ordering": "-amount",
        },
    }
