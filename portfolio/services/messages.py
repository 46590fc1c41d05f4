"""The services' refusals, worded once: each message a service raises (and a test may
quote) lives here, grouped by sub-domain; callers write ``msg.NAME``."""

from django.utils.translation import gettext_lazy as _

# --- shared checks (yuan, dates, TRL) -----------------------------------------

MONEY_INVALID = _("Enter an amount in yuan, e.g. 3000000.00.")
MONEY_PLACES = _("An amount in yuan has at most two decimal places.")
MONEY_TOO_LARGE = _("This amount is too large (at most 99,999,999,999,999.99 yuan).")
MONEY_POSITIVE = _("The amount must be greater than zero.")
MONEY_NON_NEGATIVE = _("The amount cannot be negative.")
DATE_FUTURE = _("This date is in the future; record what has happened.")
TRL_RANGE = _("TRL must be a whole number from 1 to 9.")
ROW = _("%(row)s: %(message)s")  # a bulk write's refusal, named by its row

# --- startups and their stages ------------------------------------------------

SAME_STAGE = _("The startup is already in this stage.")
FROM_TERMINAL = _("The startup has reached a terminal outcome (%(stage)s) and cannot move.")
BEFORE_LAST_MOVE = _("The date is before the startup's last move (%(last)s).")
TRL_OUTSIDE_STAGE = _(
    "TRL %(trl)s is outside the range of %(stage)s (TRL %(min)s-%(max)s): record the move at "
    "a TRL the stage allows, or correct the stage's range."
)
NO_PIPELINE = _("There is no pipeline stage to start in; give the stage.")
STATUS_BY_MOVE = _("Exited and closed follow from a move to a terminal stage; use advance.")

# --- funding rounds -----------------------------------------------------------

ROUND_UNDISCLOSED_AMOUNT = _("Leave the amount empty for an undisclosed round.")
ROUND_AMOUNT_REQUIRED = _("The amount must be positive unless the round is undisclosed.")
PARTICIPANT_DUPLICATE = _("Participant %(index)d: %(investor)s is listed twice.")
PARTICIPANT_AMOUNT = _("Participant %(index)d: the amount must be positive.")
PARTICIPANTS_EXCEED = _(
    "The participants' amounts add up to %(total)s, more than the round's %(amount)s."
)

# --- the fund and its commitments to companies --------------------------------

FUND_CAPACITY = _(
    "This commitment would take the fund above its size: %(available)s is still available."
)
SINGLE_COMPANY_LIMIT = _(
    "This commitment breaks the fund's limit of %(pct)s%% in one company: at most %(room)s "
    "more can be committed to this startup."
)
INVESTMENT_PERIOD = _("The fund's investment period ended on %(end)s.")
STARTUP_CLOSED = _("The startup is closed; the fund cannot commit to it.")
COMMITMENT_NOT_LIVE = _("This commitment is cancelled; nothing can be paid against it.")
COMMITMENT_HAS_DISBURSEMENTS = _(
    "This commitment has disbursements (%(paid)s) and cannot be cancelled."
)
DISBURSEMENT_EXCEEDS = _(
    "This payment is more than the commitment not yet paid: %(remaining)s remains."
)
DISBURSEMENT_BEFORE_APPROVAL = _("A payment cannot precede the commitment's approval (%(on)s).")
ROUND_OTHER_STARTUP = _("This round belongs to another startup than the commitment.")
NOT_A_HOLDING = _("The fund has no commitment to this startup.")
NO_CASH_IN = _("The fund had paid nothing into this startup by this date.")
FIELD_NOT_EDITABLE = _("This field cannot be changed here.")  # by any update service
TERMS_PERMISSION = _(
    "Only a superuser can change a fund's size, policy limits and terms (%(fields)s)."
)
SIZE_BELOW_COMMITTED = _(
    "The fund has %(committed)s committed: its size cannot be lower than that."
)
UNKNOWN_KIND = _("Unknown distribution kind.")
UNKNOWN_METHOD = _("Unknown valuation method.")
# An exit or a write-off ends the holding (api-contract.md): its fair value is 0 from that
# date, and nothing is paid into it or marked after it.
PAYMENT_AFTER_END = _(
    "The fund's holding in this startup ended on %(on)s (%(kind)s): no payment after that date."
)
MARK_AFTER_END = _(
    "The fund's holding in this startup ended on %(on)s (%(kind)s): its fair value is 0 from "
    "that date, so no later mark."
)
MARK_ON_END_NOT_ZERO = _(
    "The fund's holding in this startup ended on this date (%(kind)s): its fair value is 0."
)
ALREADY_ENDED = _(
    "The fund's holding in this startup already ended on %(on)s (%(kind)s). Later proceeds "
    "are a dividend or other proceeds."
)
END_BEFORE_PAYMENT = _(
    "The fund paid into this startup on %(on)s, after this date: an exit or write-off comes "
    "after the last payment."
)
END_BEFORE_MARK = _(
    "The holding is marked at %(value)s on %(on)s: an exit or write-off cannot precede a "
    "later mark (nor a mark above 0 on the same day)."
)

# --- the fund's investors (LPs) -----------------------------------------------

LP_COMMITMENTS_EXCEED = _(
    "The LPs' commitments would exceed the fund's size: %(open)s is still open."
)
CALL_PURPOSES = _(
    "Investments, management fees and expenses add up to %(sum)s, not the call's %(amount)s."
)
CALL_EXCEEDS = _("This call is more than the unfunded commitments: %(callable)s can be called.")
CALL_NO_LPS = _("The fund has no LP commitments on the call date.")
DUE_BEFORE_CALL = _("A call cannot be due before it is made.")
NOT_IN_CALL = _("This LP has no part in this call.")
PAYMENT_BEFORE_CALL = _("A payment cannot precede the call (%(on)s).")
PAYMENT_EXCEEDS = _("This payment is more than the LP still owes on the call: %(owed)s.")
DISTRIBUTION_CASH = _("The fund had %(cash)s in cash on this date; it cannot pay out more.")
DISTRIBUTION_ORDER = _(
    "The fund's last distribution was on %(last)s; distributions are recorded in order."
)
UNKNOWN_CHOICE = _("Unknown value.")
CEDING_IS_BENEFICIARY = _("The ceding LP cannot be its own beneficiary.")
DEFAULT_NOT_LATE = _("The call was due on %(due)s: an LP is in default only after that.")
DEFAULT_RECORDED = _("A default of this LP on this call is already recorded.")
DEFAULT_PAID = _("This LP had paid its part of the call in full by that date.")
NOT_AN_LP = _("%(lp)s has no commitment to this fund.")

# --- API tokens ---------------------------------------------------------------

EXPIRES_DAYS = _("The lifetime is a whole number of days from 1 to %(max)s.")
NAME_TOO_LONG = _("A token's name has at most %(max)s characters.")
USER_INACTIVE = _("The user is inactive: their tokens would not work.")
ALREADY_REVOKED = _("This token is already revoked.")

# --- the fund's policy pack (guidance-fund rules) -------------------------------------
RELOCATION_KIND = _("Unknown relocation kind.")
RELOCATION_BEFORE_COMMITMENT = _(
    "A relocation counts for 返投 only after the fund committed (%(on)s)."
)
RELOCATION_NEEDS_DATE = _("Give the date of the relocation.")
RELOCATION_NOT_LIVE = _("This commitment is cancelled.")
THRESHOLD_OVERLAP = _("This period overlaps the thresholds in force from %(start)s.")

# --- founders -----------------------------------------------------------------

FOUNDER_HAS_ROLE = _(
    "This account is staff or has another role; a founder's account must be theirs alone. "
    "Invite the founder with another email address."
)
FOUNDER_OTHER_STARTUP = _("This person is already a founder of %(startup)s.")
FOUNDER_EMAIL_INVALID = _("Enter a valid email address.")
FOUNDER_EMAIL_USERNAME = _(
    "This address cannot be a login name (at most 150 characters of letters, digits and @ . + - _)."
)
FOUNDER_EMAIL_TAKEN = _("Two accounts use this email address; ask an administrator.")
FOUNDER_TEXT_INVALID = _("Enter plain text, without control characters.")
FOUNDER_NAME_TOO_LONG = _("A name has at most %(max)s characters.")
FOUNDER_INVITE_RACE = _("This address was being invited at the same moment; try again.")
FOUNDER_MAIL_FAILED = _("The invitation could not be sent (%(error)s); nothing was saved.")


# --- tranches and milestone verification (issue 15) ----------------------------

TRANCHES_EXCEED = _(
    "The tranches of this commitment would add up to more than the commitment: "
    "%(remaining)s is left to plan."
)
TRANCHE_MILESTONE_OTHER_STARTUP = _(
    "This milestone belongs to another startup than the commitment."
)
TRANCHE_OTHER_COMMITMENT = _("This tranche belongs to another commitment.")
TRANCHE_MILESTONE_NOT_VERIFIED = _(
    "This tranche pays only once milestone #%(milestone_id)s “%(milestone)s” is "
    "verified; it is not verified yet."
)
TRANCHE_EXCEEDS = _("This payment is more than the tranche not yet paid: %(remaining)s remains.")
MILESTONE_ALREADY_VERIFIED = _("This milestone was already verified on %(on)s.")
MILESTONE_VERIFIER_NEEDED = _("A verification needs the staff member who verifies.")

# --- founders' KPI submissions (issue 15) -------------------------------------

KPI_QUARTER_FUTURE = _("This quarter has not begun yet.")
KPI_QUARTER_NOT_ENDED = _("This quarter has not ended yet; submit its figures after it ends.")
KPI_DUE_BEFORE_QUARTER = _("The due date is before the quarter begins.")
KPI_REQUEST_EXISTS = _("There is already a request for this quarter.")
KPI_STARTUPS_EMPTY = _('Give a list of startup ids, or "all" (the active incubatees).')
KPI_STARTUP_UNKNOWN = _("Unknown startup: %(id)s.")
KPI_NOT_YOUR_STARTUP = _("You can submit figures only for your own startup.")
KPI_OPEN_EXISTS = _("This startup already has an open submission for this quarter.")
KPI_NOT_RETURNED = _("Only a returned submission can be edited.")
KPI_NOT_SUBMITTED = _("Only a submitted submission can be reviewed.")
KPI_DECISION = _('Choose "approve" or "return".')
KPI_RETURN_COMMENT = _("Say what to correct when returning a submission.")
KPI_FIGURE_UNKNOWN = _("Unknown field.")
KPI_REQUEST_OTHER_QUARTER = _("This request is for another quarter or does not ask this startup.")
KPI_YEAR = _("Year must be between 2000 and 2100.")
KPI_QUARTER = _("Quarter must be 1, 2, 3 or 4.")

# --- milestone evidence (issue 15) --------------------------------------------

EVIDENCE_MISSING_FILE = _("Choose a file to upload.")
EVIDENCE_EMPTY = _("The file is empty.")
EVIDENCE_TOO_LARGE = _("The file is larger than %(max)s MB.")
EVIDENCE_TYPE = _(
    "This file is not a PDF, PNG, JPEG, Excel (xlsx) or Word (docx) document, judged by "
    "its content (its name does not count)."
)
EVIDENCE_NOT_YOUR_STARTUP = _("You can add evidence only to your own startup's milestones.")
EVIDENCE_NEEDED = _("Attach at least one evidence file before verifying this milestone.")
# --- shared facilities and their bookings (issue 16) ----------------------------

BOOKING_OVERLAP = _(
    "The facility is already booked from %(start)s to %(end)s; a booking may start when "
    "another ends."
)
BOOKING_ENDS_BEFORE_START = _("A booking ends after it starts.")
BOOKING_DATETIME = _("Enter a date and time, e.g. 2025-03-01T09:00+08:00.")
QUANTITY_INVALID = _("Enter a number with at most two decimal places, e.g. 1.5.")
QUANTITY_NEGATIVE = _("This cannot be negative.")
QUANTITY_TOO_LARGE = _("This number is too large (at most 99,999,999.99).")
# --- the technology-transfer ledger (issue 16) -----------------------------------

IP_ITEM = _("IP item %(row)d: %(message)s")
IP_ITEMS_LIST = _("Send a list of IP items, each with a kind and an application number.")
IP_ITEM_NOT_OBJECT = _("each IP item is an object with a kind and an application number.")
IP_ITEM_KIND = _(
    "“%(kind)s” is not a kind of IP item (invention, utility_model, design, software, other)."
)
IP_ITEM_FIELD = _("“%(field)s” is not a field of an IP item (kind, application_number, title).")
IP_ITEM_TEXT = _("the application number and title are text.")

# --- space leases, mentors and mentoring sessions (issue 16) ---------------------

LEASE_OVERLAP = _(
    "Unit %(unit)s is already leased to %(startup)s from %(start)s to %(end)s; a lease may "
    "start the day after another ends."
)
LEASE_ENDS_BEFORE_START = _("A lease ends on or after the day it starts.")
LEASE_ACTUAL_ABOVE_LIST = _("The actual rent cannot exceed the list rent.")
AREA_POSITIVE = _("The area must be more than zero.")
OPERATIONS_DATE = _("Enter a date between 2000-01-01 and 2100-12-31, e.g. 2026-03-01.")
OPERATIONS_TEXT_REQUIRED = _("This field is required.")
MENTOR_UNTIL_BEFORE = _("An appointment ends on or after the day it starts.")
SESSION_HOURS = _("A session lasts more than 0 and at most 24 hours.")

# --- incubation agreements, admission eligibility and graduation (issue 16) -------------------

ELIGIBILITY_FAILED = _(
    "The recorded data fails the admission rule “%(rule)s” (%(label)s) under %(policy)s. "
    "Correct the data, or explain the exception in the eligibility note."
)
ELIGIBILITY_LABELS = {
    "age_at_entry": _("at most %(months)s months old on entry"),
    "registered_in_incubator": _("registered address in the incubator"),
    "premises_in_incubator": _("main premises in the incubator"),
    "tech_sme": _("a 科技型中小企业"),
}
GRADUATE_BY_SERVICE = _(
    "A graduation is recorded with its basis (the startup's “Graduate” page or "
    "POST /startups/{id}/graduate/), not by changing the status."
)
GRADUATED_STAYS = _("This startup has a recorded graduation; its status stays graduated.")
ALREADY_GRADUATED = _("This startup has already graduated.")
GRADUATE_CLOSED = _("A closed startup cannot graduate.")
GRADUATE_BEFORE_ADMISSION = _("A startup graduates on or after its admission (%(admitted)s).")
GRADUATE_NOT_ADMITTED = _("Only an admitted startup (with an admission date) can graduate.")
GRADUATE_NO_RULE = _("No incubation rule is in force on this day.")
GRADUATE_BASIS_EMPTY = _("Name at least one basis.")
GRADUATE_BASIS_UNKNOWN = _(
    "“%(basis)s” is not a graduation basis (high_tech_enterprise, vc_over_5m, "
    "revenue_over_10m_2y, acquired_or_listed)."
)
GRADUATE_CONTRADICTED = {
    "high_tech_enterprise": _(
        "high_tech_enterprise: the startup's 高新技术企业 applications include none approved "
        "and valid on %(on)s."
    ),
    "vc_over_5m": _(
        "vc_over_5m: its recorded angel/VC rounds closed by %(on)s add up to %(total)s yuan, "
        "not more than %(threshold)s."
    ),
    "revenue_over_10m_2y": _(
        "revenue_over_10m_2y: its fully reported years show no %(years)s consecutive years "
        "with revenue above %(threshold)s yuan."
    ),
    "acquired_or_listed": _(
        "acquired_or_listed: the startup is not at an exited stage and has no IPO round by %(on)s."
    ),
}
AGREEMENT_NO_RULE = _("No incubation rule is in force on the day the agreement starts.")
AGREEMENT_EXISTS = _("This startup already has an incubation agreement.")
AGREEMENT_ENDS_BEFORE_START = _("An agreement ends on or after the day it starts.")
AGREEMENT_SIGNED_FUTURE = _("An agreement is signed on or before today.")

# --- policy applications and financing introductions (issue 16) ------------------------------

INTRO_DUPLICATE = _("This startup was already introduced to this investor on this day.")
