"""A form token is claimed once, in the transaction of the save it guards (a double click creates one record)."""

import pytest
from django.db import transaction

from liaison.lib import once
from liaison.lib.models import SpentFormToken

pytestmark = pytest.mark.django_db


def test_the_first_claim_wins_and_a_second_reports_what_the_first_saved(django_user_model):
    user = django_user_model.objects.create_user("u1")
    token = once.issue()
    with transaction.atomic():
        claim = once.claim(token, user)
        claim.done(user)  # any saved object: its pk is remembered
    assert once.saved_result(token) == (True, user.pk)
    with pytest.raises(once.AlreadySaved) as raised, transaction.atomic():
        once.claim(token, user)
    assert raised.value.result_pk == user.pk


def test_a_save_that_fails_releases_its_token_for_the_corrected_form():
    token = once.issue()
    with pytest.raises(ValueError), transaction.atomic():
        once.claim(token, None)
        raise ValueError("validation failed after the claim")
    assert once.saved_result(token) == (False, None)
    with transaction.atomic():
        once.claim(token, None)
    assert SpentFormToken.objects.filter(token=token).count() == 1


def test_no_token_or_a_malformed_one_claims_nothing():
    for token in (None, "", "x" * 65, "bad\x00token", ["list"]):
        with transaction.atomic():
            once.claim(token, None)
            once.claim(token, None)
    assert not SpentFormToken.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_claim_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        once.claim(once.issue(), None)


def test_the_form_mixin_issues_a_token_and_keeps_the_one_sent_back():
    class Form(once.OncePerFormMixin):
        pass

    shown = Form()
    issued = shown["form_token"].value()
    assert issued and len(issued) <= once.MAX_LENGTH
    assert Form({"form_token": issued}).token == issued
    assert Form().initial["form_token"] != issued
