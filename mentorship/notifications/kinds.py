"""The kinds of notification, by the code stored in `Notification.kind`.

Kinds are plain strings so any app can notify without a migration; the ones named here are the
feedback loop's, whose emails a participant may switch to a weekly digest or turn off (except HR
alerts), and whose emails carry a call to action naming the exact form they link to.
"""

SESSION_RATING = "session_rating"
CADENCE_NUDGE = "cadence_nudge"
PROPOSAL_ANSWER = "proposal_answer"
CHECK_IN = "check_in"
ENROLLMENT_CLOSING = "enrollment_closing"
HR_ALERT = "hr_alert"
HR_DIGEST = "hr_digest"
DIGEST = "digest"  # a participant's weekly digest of the reminders they chose to collect
INVITATION = "invitation"  # an imported person's invitation to choose a password (imports app)

# What a participant may choose for, in the order the preferences page lists them.
CONFIGURABLE = {
    SESSION_RATING: "Asking you to rate a session",
    CADENCE_NUDGE: "Nudges when your pair has not met for a while",
    CHECK_IN: "Midpoint and final check-ins",
    PROPOSAL_ANSWER: "Reminders to answer a match proposal",
    ENROLLMENT_CLOSING: "Programs you may join that close soon",
}

# The button in the email: what the link opens.
ACTIONS = {
    SESSION_RATING: "Rate the session",
    CADENCE_NUDGE: "Log a session",
    CHECK_IN: "Open the check-in",
    PROPOSAL_ANSWER: "Answer the proposal",
    ENROLLMENT_CLOSING: "Enroll now",
    HR_ALERT: "Open the pair",
    HR_DIGEST: "Open your programs",
    DIGEST: "Open your inbox",
}
