"""Every write of the meetings app: ``meetings`` (meetings, attendance, election periods, materials) and
``followup`` (opinions raised at meetings, problem-solving activities, information from and contacts with members).
Import the function from its module: ``from liaison.meetings.actions.meetings import meeting_schedule``."""
