"""The print-job migration to ``object_ids`` keeps every job's letters, and goes back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0002_worker_heartbeat")]
AFTER = [("reports", "0003_print_job_object_ids_of_any_document_kind")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps.get_model("reports", "PrintJob")


@pytest.mark.django_db(transaction=True)
def test_c6_3_print_jobs_keep_their_letters_across_the_object_ids_migration_both_ways(world):
    user = world.user("community_section")
    common = {"station_id": world.station_a.pk, "requested_by_id": user.pk}
    try:
        OldJob = _migrate(BEFORE)
        letters = OldJob.objects.create(membership_ids=[30, 10, 20], total=3, **common)

        NewJob = _migrate(AFTER)
        moved = NewJob.objects.get(pk=letters.pk)
        assert (moved.kind, moved.object_ids, moved.total) == ("form1", [30, 10, 20], 3)
        cards = NewJob.objects.create(kind="council_cards", object_ids=[1], total=1, **common)

        OldJob = _migrate(BEFORE)
        assert OldJob.objects.get(pk=letters.pk).membership_ids == [30, 10, 20]
        assert not OldJob.objects.filter(pk=cards.pk).exists()  # the older code knew no other kind
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
