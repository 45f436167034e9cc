from django.urls import path

from .views import exchanges

urlpatterns: list = [
    path("exchanges/", exchanges.exchange_list, name="exchange_list"),
    path("exchanges/new/", exchanges.exchange_create, name="exchange_create"),
    path("exchanges/<int:pk>/", exchanges.exchange_detail, name="exchange_detail"),
]
