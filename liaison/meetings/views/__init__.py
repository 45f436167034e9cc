"""The meetings' screens: ``meetings`` (meetings, attendance, election periods, calendar) and ``followup`` (opinions
raised at meetings, problem-solving activities, information from and contacts with members)."""
