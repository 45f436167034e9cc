"""Model fields shared by several apps."""

from django.db import models


class SortKeyField(models.CharField):
    """A reading sort key (see liaison.lib.kana) compared byte by byte.

    The keys give 五十音順 only under plain code-point comparison. SQLite compares that way already; PostgreSQL
    databases are usually created with a language collation that ignores '|' and spaces, so the column is
    declared with the "C" collation there.
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
