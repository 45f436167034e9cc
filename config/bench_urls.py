"""The app's URLs plus the Django admin changelists the benchmark compares our pages with (``config.bench_settings``).

The admin classes are what a Django developer would write for these models: the columns a list shows, filters on
the fields our pages filter by, a search over names and readings, and the related rows joined in.
"""

from django.contrib import admin
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns
from liaison.cases.models import Case
from liaison.councils.models import Council, Membership
from liaison.meetings.models import Meeting
from liaison.network.models import ContactPerson, Exchange
from liaison.people.models import Person


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "station", "kind", "status", "established_on"]
    list_filter = ["status", "kind", "station"]
    search_fields = ["name"]
    list_select_related = ["station"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "council", "post", "start_date", "end_date", "ended_on"]
    list_filter = ["post", "kind", "end_reason", "council__station"]
    search_fields = ["person__family_name", "person__given_name", "person__family_kana", "person__given_kana"]
    list_select_related = ["person", "council"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "family_kana", "given_kana", "station", "birth_date", "gender"]
    list_filter = ["gender", "station"]
    search_fields = ["family_name", "given_name", "family_kana", "given_kana"]
    list_select_related = ["station"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["council", "kind", "number", "status", "starts_at", "venue_name"]
    list_filter = ["kind", "status", "fiscal_year", "council__station"]
    search_fields = ["council__name", "venue_name"]
    list_select_related = ["council"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["received_on", "category", "status", "koban", "section", "told_on"]
    list_filter = ["status", "category", "station"]
    search_fields = ["content"]
    list_select_related = ["koban", "section"]


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ["person", "station", "koban", "district", "consent", "consent_on", "last_exchange_on", "officer"]
    list_filter = ["consent", "source", "wants_email", "station"]
    search_fields = ["person__family_name", "person__given_name", "person__family_kana", "person__given_kana"]
    list_select_related = ["person", "station", "koban", "officer"]


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ["on", "kind", "koban", "officer", "section"]
    list_filter = ["kind", "station"]
    search_fields = ["advice", "notes"]
    list_select_related = ["koban", "officer", "section"]


urlpatterns = [path("admin/", admin.site.urls), *app_urlpatterns]
