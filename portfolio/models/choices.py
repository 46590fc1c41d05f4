"""Enumerations of the domain. Values are stable API strings; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TechArea(models.TextChoices):
    COMPUTING = "computing", _("Quantum computing")
    COMMUNICATION = "communication", _("Quantum communication")
    SENSING = "sensing", _("Quantum sensing & metrology")


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    CAS_INSTITUTE = "cas_institute", _("CAS institute")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute / national lab")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class Population(models.TextChoices):
    """Whose figures (domain.md, "Populations"): incubatees have an admission date; tracked
    companies are real firms followed as the ecosystem or a benchmark, never admitted."""

    INCUBATOR = "incubator", _("Incubatees")
    TRACKED = "tracked", _("Tracked companies")
    ALL = "all", _("All companies")


class StartupStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    GRADUATED = "graduated", _("Graduated")
    EXITED = "exited", _("Exited")
    CLOSED = "closed", _("Closed")


class StageOutcome(models.TextChoices):
    """Terminal outcomes of the pipeline; an ordinary stage has none."""

    NONE = "", _("None (pipeline stage)")
    EXITED = "exited", _("Exited (IPO / acquisition)")
    CLOSED = "closed", _("Closed (failed / stopped)")


class MilestoneKind(models.TextChoices):
    FIRST_PROTOTYPE = "first_prototype", _("First prototype")
    FIRST_CUSTOMER = "first_customer", _("First paying customer")
    CERTIFICATION = "certification", _("Product certification")
    FIRST_EXPORT = "first_export", _("First export")
    PATENT_GRANTED = "patent_granted", _("Patent granted")
    KEY_HIRE = "key_hire", _("Key hire")
    PARTNERSHIP = "partnership", _("Strategic partnership")
    AWARD = "award", _("Award or recognition")
    OTHER = "other", _("Other")


class InvestorKind(models.TextChoices):
    GOVERNMENT_FUND = "government_fund", _("Government guidance fund")
    STATE_PLATFORM = "state_platform", _("State-owned platform")
    VC = "vc", _("Venture capital")
    CORPORATE = "corporate", _("Corporate")
    ANGEL = "angel", _("Angel")
    OTHER = "other", _("Other")


class RoundType(models.TextChoices):
    ANGEL = "angel", _("Angel")
    SEED = "seed", _("Seed")
    PRE_A = "pre_a", _("Pre-A")
    A = "a", _("Series A")
    A_PLUS = "a_plus", _("Series A+")
    B = "b", _("Series B")
    C = "c", _("Series C")
    STRATEGIC = "strategic", _("Strategic")
    GRANT = "grant", _("Government grant")
    DEBT = "debt", _("Debt")
    IPO = "ipo", _("IPO")


class AmountPrecision(models.TextChoices):
    """How exact an announced figure is: "数千万元" is approximate, no figure is undisclosed."""

    EXACT = "exact", _("Exact")
    APPROXIMATE = "approximate", _("Approximate")
    UNDISCLOSED = "undisclosed", _("Undisclosed")


class CommitmentStatus(models.TextChoices):
    """Only approved commitments are live and count against the fund's size."""

    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


class DistributionKind(models.TextChoices):
    """What came back from a holding. An exit or a write-off ends the holding (its fair value
    is 0 from that date); a dividend (or other proceeds) leaves it open."""

    EXIT = "exit", _("Exit proceeds")
    DIVIDEND = "dividend", _("Dividend")
    WRITE_OFF = "write_off", _("Write-off")
    OTHER = "other", _("Other")


#: the kinds of distribution that end a holding
ENDING_DISTRIBUTION_KINDS = (DistributionKind.EXIT, DistributionKind.WRITE_OFF)


class ValuationMethod(models.TextChoices):
    """How a holding's fair value was arrived at (a mark's method)."""

    COST = "cost", _("At cost")
    RECENT_ROUND = "recent_round", _("Price of a recent round")
    COMPARABLES = "comparables", _("Comparable companies")
    DCF = "dcf", _("Discounted cash flow")
    WRITE_DOWN = "write_down", _("Write-down")
    OTHER = "other", _("Other")


# --- the fund's investors (LPs): fund-accounting.md ---------------------------------------


class LpKind(models.TextChoices):
    GOVERNMENT_GUIDANCE = "government_guidance", _("Government guidance fund")
    STATE_PLATFORM = "state_platform", _("State-owned platform")
    SOCIAL_CAPITAL = "social_capital", _("Social capital")
    GP = "gp", _("GP commitment")


class ExpenseCategory(models.TextChoices):
    FORMATION = "formation", _("Formation")
    AUDIT = "audit", _("Audit")
    LEGAL = "legal", _("Legal")
    CUSTODY = "custody", _("Custody (托管)")
    VALUATION = "valuation", _("Valuation")
    OTHER = "other", _("Other")


class FeeBasis(models.TextChoices):
    COMMITTED = "committed", _("Commitments (认缴)")
    PAID_IN = "paid_in", _("Paid-in capital (实缴)")
    INVESTED = "invested", _("Unexited cost of investments")


class HurdleKind(models.TextChoices):
    COMPOUND = "compound", _("Compound (IRR-equivalent)")
    SIMPLE = "simple", _("Simple interest")


class Waterfall(models.TextChoices):
    EUROPEAN = "european", _("European (whole fund)")


# --- the guidance-fund policy pack: fund-accounting.md §3 -------------------------------


class LocalBasis(models.TextChoices):
    """What the 返投 ratio divides by: the denominator LPs' commitments or their paid-in."""

    COMMITTED = "committed", _("Commitments (认缴)")
    PAID_IN = "paid_in", _("Paid-in capital (实缴)")


class RelocationKind(models.TextChoices):
    """How a company from outside the local region came to count as local (沈财金〔2020〕328号);
    the credit each earns is a fund setting."""

    MOVED = "moved", _("Moved its registration and tax to the region")
    LOCAL_SUBSIDIARY = "local_subsidiary", _("Set up or acquired a firm in the region")
    LOCAL_INVESTMENT = "local_investment", _("Invested in a firm in the region")
