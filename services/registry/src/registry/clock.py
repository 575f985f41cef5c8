"""The day an action is received, in Asia/Shanghai (DOMAIN: working days).

Registration deadlines and authorisation terms count from here; tests move the day by replacing
:func:`today` (the service code always calls it through this module).
"""

from datetime import date

from pdp_kit.sweeps import today_in_shanghai


def today() -> date:
    return today_in_shanghai()
