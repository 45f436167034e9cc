from django.urls import path  # noqa: F401  (used by the patterns added below)

app_name = "meetings"
urlpatterns: list = []
