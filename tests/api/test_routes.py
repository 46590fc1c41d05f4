"""The API's routes: DRF's routes and URL names, each resource's under a prefix of its own
(``portfolio.api.urls.Router``), so that Django tries one pattern per resource, not every
route of the resources registered before it (bar P2)."""

from django.urls import URLResolver, resolve, reverse

from portfolio.api import urls
from portfolio.api.urls import router


def test_each_resource_is_one_prefix_to_try():
    own = urls.urlpatterns
    assert len(own) == len(urls.VIEWS) + len(router.registry) + 1  # + the API's root
    prefixes = [str(p.pattern) for p in own if isinstance(p, URLResolver)]
    assert prefixes == [f"{prefix}/" for prefix, _viewset, _basename in router.registry]


def test_lists_details_and_actions_resolve_to_their_viewsets_as_drf_names_them():
    for prefix, viewset, basename in router.registry:
        listed = reverse(f"api:{basename}-list")
        assert listed == f"/api/v1/{prefix}/"
        match = resolve(listed)
        assert match.func.cls is viewset
        assert match.func.actions["get"] == "list"
        detail = reverse(f"api:{basename}-detail", args=["7"])
        assert detail == f"/api/v1/{prefix}/7/"
        match = resolve(detail)
        assert (match.func.cls, match.func.actions["get"]) == (viewset, "retrieve")
        assert match.kwargs == {viewset.lookup_field: "7"}
    advance = resolve(reverse("api:startup-advance", args=["3"]))
    assert (advance.url_name, advance.kwargs) == ("startup-advance", {"pk": "3"})


def test_the_views_under_a_resource_prefix_come_before_its_detail_route():
    assert resolve("/api/v1/mentors/per-10-incubatees/").url_name == "mentor-ratio"
    assert resolve("/api/v1/space-leases/occupancy/").url_name == "space-occupancy"
    assert resolve("/api/v1/").url_name == "api-root"
