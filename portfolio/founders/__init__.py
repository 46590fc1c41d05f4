"""The founders' pages under ``/founder/`` (issue 15): their startup's card and milestones,
and the one-time set-password page of an invitation. Chinese first, made for a phone."""
