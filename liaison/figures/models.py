from django.db import models


class StationYear(models.Model):
    """A station's counts for one fiscal year (April to March): the meetings planned or held and held in it by the
    councils the station has now, the requests received, the referrals made and the exchanges logged. HQ's figures
    table sums these rows (a thousand a year at the largest scale) instead of counting the year's records; it is kept
    by ``liaison.figures.tally`` in the transaction of every change to those records, and rebuilt from them by
    ``manage.py rebuild_figures`` after a bulk load."""

    STATION_PATH = "station"

    station = models.ForeignKey("org.Station", on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    meetings_scheduled = models.PositiveIntegerField(default=0)
    meetings_held = models.PositiveIntegerField(default=0)
    cases = models.PositiveIntegerField(default=0)
    referrals = models.PositiveIntegerField(default=0)
    exchanges = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["fiscal_year", "station"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "station"], name="station_year_once")]

    def __str__(self):
        return f"{self.station_id} {self.fiscal_year}"


class StationStanding(models.Model):
    """A station's counts as they stand (not of a year): its contact persons who consented, its kobans and chuzaishos
    in service and its officers in post. HQ's home and figures table sum these rows instead of counting the
    prefecture's records; kept and rebuilt with ``StationYear``, for the same reason."""

    STATION_PATH = "station"

    station = models.OneToOneField("org.Station", on_delete=models.CASCADE, related_name="+")
    contacts_consented = models.PositiveIntegerField(default=0)
    kobans_active = models.PositiveIntegerField(default=0)
    officers_active = models.PositiveIntegerField(default=0)

    def __str__(self):
        return str(self.station_id)
