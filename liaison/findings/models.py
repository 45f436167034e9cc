"""Stored findings: what the rules of each programme found about each object, kept so lists can filter and count them.

Why an app of its own, below people and the programmes: councils, and after them meetings and network, all write
their findings here and every role's home page reads them in one place. Network may not use councils (DESIGN.md,
"Layers"), so a table owned by councils could not take its findings; this app knows no programme. It depends on
org only (for the station and kobans that scope each row).

A ``Subject`` is one object whose findings are stored (a council, later a meeting …), named by ``source`` (a short
name the programme registers, e.g. ``"council"``) and the object's id. It carries the station and kobans the object
belongs to, so ``visible_to`` and ``for_work`` scope the findings like the object itself, and the day its findings
were last computed (also when it has none). Each ``Finding`` holds a code, its severity and requirement and the
values of its message; the message itself is rendered in the reader's language when read (see ``store.message``).

A ``StationTally`` row counts the subjects of one source in one station that hold findings of one kind; ``store``
keeps it with the findings, so HQ's counts and the table of stations read a few rows per station, not every finding
of the prefecture.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    ERROR = "error", _("要対応")
    WARNING = "warning", _("注意")
    INFO = "info", _("お知らせ")


class Subject(models.Model):
    """One object whose findings are stored, with its scope and the day its findings hold for."""

    STATION_PATH = "station"
    KOBAN_PATH = "kobans"

    source = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    # Derived data: deleting a station or koban never has to wait for its findings. Empty only for the moment
    # between a subject's creation and its first computation, inside one transaction (see store.refresh).
    station = models.ForeignKey("org.Station", null=True, on_delete=models.CASCADE, related_name="+")
    kobans = models.ManyToManyField("org.Koban", related_name="+", blank=True)
    computed_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "object_id"], name="finding_subject_once")]
        indexes = [models.Index(fields=["source", "station"], name="finding_subject_station")]

    def __str__(self):
        return f"{self.source} {self.object_id}"


class Finding(models.Model):
    """One finding of one subject: one row per (subject, code, key)."""

    STATION_PATH = "subject__station"
    KOBAN_PATH = "subject__kobans"

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(max_length=40)
    # Several findings of one code on one subject (one per member) differ by key; "" when there is one.
    key = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(help_text="Order of the rules' output: most serious first.")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    requirement = models.CharField(max_length=20)
    params = models.JSONField(default=dict)

    class Meta:
        ordering = ["subject", "position"]
        constraints = [models.UniqueConstraint(fields=["subject", "code", "key"], name="finding_once_per_code_key")]
        indexes = [
            models.Index(fields=["severity", "subject"], name="finding_severity"),
            models.Index(fields=["code", "subject"], name="finding_code"),
        ]

    def __str__(self):
        return f"{self.subject}: {self.code}"

    @property
    def message(self) -> str:
        """The message in the active language, rendered by the programme that registered the subject's source."""
        from .store import message

        return message(self.subject.source, self.code, self.params)


class StationTally(models.Model):
    """How many subjects of ``source`` in ``station`` hold findings of one kind, kept by ``store`` in the transaction
    that stores the findings (``store.tallied`` reads it).

    Two kinds of row:
    - ``code`` set, ``severity`` and ``codes`` empty: the subjects with a finding of that code;
    - ``severity`` set, ``code`` empty: the subjects whose findings of that severity have exactly the codes ``codes``
      (sorted, comma-separated). Keeping the set, not one count per severity, lets a reader who may not see some
      codes (``access.personal_data.hidden_finding_codes``) count only the subjects with a code they may see, without
      counting one subject twice.
    """

    STATION_PATH = "station"

    station = models.ForeignKey("org.Station", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=30)
    code = models.CharField(max_length=40, blank=True)
    severity = models.CharField(max_length=10, blank=True)
    codes = models.CharField(max_length=400, blank=True)
    subjects = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["station", "source", "code", "severity", "codes"], name="finding_tally_once_per_kind"
            )
        ]
        # HQ reads one kind over every station.
        indexes = [models.Index(fields=["source", "code", "severity", "codes"], name="finding_tally_kind")]

    def __str__(self):
        return f"{self.station_id} {self.source} {self.code or self.severity}: {self.subjects}"
