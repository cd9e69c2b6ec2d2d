"""Real exports: import profiles that map a care system's export onto records.

No care record system writes the record format. What an integrator has is an
export: a spreadsheet or CSV with the system's own column names, words and date
format. An **import profile** (a small YAML file, :func:`load_profile`) says how
such an export maps onto record format 1; a
:class:`~personal_outcomes.validation.Validator` given the profile checks the
export with every issue at the export's own row and column.
"""

from __future__ import annotations

from personal_outcomes.exports._profile import FieldMap, Profile, load_profile, parse_profile

__all__ = ["FieldMap", "Profile", "load_profile", "parse_profile"]


def __dir__() -> list[str]:
    return sorted(__all__)
