"""The one date and time style of every page: "2 Dec 2026" and "2 Dec 2026, 11:30".

Django's English default reads "Dec. 2, 2026, 11:31 a.m."; a value printed without a filter, and
`|date` / `|date:"DATETIME_FORMAT"` in templates, all take these instead, so pages agree.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
