"""Access requests (indsigt): everything the system holds about one person, as one ZIP.

The sections come from a registry (`sections.py`): this app registers the profile, memberships,
notifications and access-log rows; the apps above register their requests, agreements, courses
and hours from their `AppConfig.ready()`. A worker writes the ZIP (`package.py`) and keeps it.
"""
