from django.urls import path

from skills import views

app_name = "skills"
urlpatterns = [
    # The signed-in person's own inventory: no person in the URL, so nobody else's is reachable.
    path("mine/", views.inventory, name="inventory"),
    path("mine/search/", views.inventory_search, name="inventory_search"),
    path("mine/add/", views.inventory_new_row, name="inventory_new_row"),
    path("mine/<int:skill_id>/", views.inventory_save, name="inventory_save"),
    path("mine/<int:skill_id>/remove/", views.inventory_remove, name="inventory_remove"),
    path("mine/history/", views.history, name="history"),
    path("mine/suggest/", views.suggest, name="suggest"),
    # HR admins: the catalogue.
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.skill_create, name="skill_create"),
    path("catalogue/<int:pk>/edit/", views.skill_edit, name="skill_edit"),
    path("catalogue/<int:pk>/retire/", views.skill_retire, name="skill_retire"),
    path("catalogue/<int:pk>/restore/", views.skill_restore, name="skill_restore"),
    path("catalogue/<int:pk>/merge/", views.skill_merge, name="skill_merge"),
    path("catalogue/suggestions/", views.suggestions, name="suggestions"),
    path("catalogue/suggestions/<int:pk>/", views.suggestion_review, name="suggestion_review"),
]
