from django.urls import path

from mentorship.programs import views

app_name = "programs"
urlpatterns = [
    # Employees
    path("", views.employee_list, name="list"),
    path("<int:pk>/enroll/", views.enroll, name="enroll"),
    path("<int:pk>/enrollment/", views.enrollment_edit, name="enrollment_edit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # HR admins
    path("hr/", views.hr_list, name="hr_list"),
    path("hr/new/", views.create, name="create"),
    path("hr/<int:pk>/", views.detail, name="detail"),
    path("hr/<int:pk>/edit/", views.edit, name="edit"),
    path("hr/<int:pk>/transition/", views.transition, name="transition"),
    path("hr/<int:pk>/history/", views.history, name="history"),
    path("hr/<int:pk>/pool/", views.pool, name="pool"),
    path("hr/<int:pk>/supply-demand/", views.supply_demand, name="supply_demand"),
]
