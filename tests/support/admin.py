"""The admin as the tests see it: its models by who may write them, URLs, and the values a
browser would submit from one of its forms."""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse

from portfolio.models import FounderMembership
from portfolio.models.history import AUDITED

#: Every model of the admin, in its menu order (each keeps a history, in that order); the
#: founders' accounts are incubator staff's alone, their admin is tested in
#: tests/test_founders_admin.py.
MODELS = [model for model in AUDITED if model is not FounderMembership]
INCUBATOR_WRITES = {
    "institution",
    "startup",
    "milestone",
    "milestoneevidence",
    "kpireport",
    "kpirequest",
    "investor",
    "fundinground",
    "facility",
    "facilitybooking",
    "techtransfer",
    "techtransferipitem",
    "spacelease",
    "mentor",
    "mentoringsession",
    "incubationrule",
    "incubatorthreshold",
    "incubatorfigures",
    "incubationagreement",
    "policyapplication",
    "financingintroduction",
}
FUND_WRITES = {
    "commitment",
    "disbursement",
    "tranche",
    "valuationmark",
    "distribution",
    "limitedpartner",
    "lpcommitment",
    "capitalcall",
    "capitalcallpayment",
    "calldefault",
    "fundexpense",
    "lpdistribution",
    "lpdistributionallocation",
}
# Written by advancing / with their round / with their call / as a fund term (the service)
NEVER_ADDED = {
    "stagetransition",
    "participation",
    "capitalcallitem",
    "reallocationrule",
    "reallocationbeneficiary",
    "lpdistributionallocation",
    "graduation",  # by the startup's "Graduate" page (startup_graduate)
    "kpisubmission",  # written by founders (API, founder page); staff review it in the admin
}
MONEY = {
    "fundinground",
    "participation",
    "commitment",
    "disbursement",
    "tranche",
    "valuationmark",
    "distribution",
    "lpcommitment",
    "capitalcall",
    "capitalcallitem",
    "capitalcallpayment",
    "fundexpense",
    "lpdistribution",
    "lpdistributionallocation",
}


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form_data(html: str, form_id: str) -> dict[str, str]:
    """The values a browser would submit from the form ``form_id`` of an admin page."""

    class Collector(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside = False
            self.data: dict[str, str] = {}
            self.select: str | None = None
            self.textarea: str | None = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form":
                self.inside = attrs.get("id") == form_id
            if not self.inside:
                return
            name = attrs.get("name")
            if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
                if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                    return
                self.data[name] = attrs.get("value") or (
                    "on" if attrs.get("type") == "checkbox" else ""
                )
            elif tag == "select" and name:
                self.select = name
                self.data.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in attrs:
                self.data[self.select] = attrs.get("value", "")
            elif tag == "textarea" and name:
                self.textarea = name
                self.data[name] = ""

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False
            elif tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.data[self.textarea] += data.lstrip("\n")

    collector = Collector()
    collector.feed(html)
    collector.data.pop("csrfmiddlewaretoken", None)
    return collector.data
