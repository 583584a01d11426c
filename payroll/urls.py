"""The coordinator's payroll pages (/palkkiot/); the expert reports through portal."""

from django.urls import path

from payroll import views

app_name = "payroll"

urlpatterns = [
    path("", views.approval_list, name="approval_list"),
    path("hyvaksy/", views.lines_approve, name="lines_approve"),
    path("rivit/<int:pk>/", views.line_detail, name="line_detail"),
    path("rivit/<int:pk>/palauta/", views.line_return, name="line_return"),
    path("rivit/<int:pk>/korjaa/", views.line_correct, name="line_correct"),
    path("rivit/<int:pk>/kuitti/", views.line_receipt, name="line_receipt"),
    path("raportoi/<int:participation_pk>/", views.report_for, name="report_for"),
    path("ajot/", views.run_list, name="run_list"),
    path("ajot/uusi/", views.run_create, name="run_create"),
    path("ajot/<int:pk>/", views.run_detail, name="run_detail"),
    path("ajot/<int:pk>/vie/", views.run_export, name="run_export"),
    path("ajot/<int:pk>/hylkaa/", views.run_discard, name="run_discard"),
    path("ajot/<int:pk>/palkkioajo.<str:file_format>", views.run_file, name="run_file"),
    path("ajot/<int:pk>/selvitys/<int:expert_pk>/", views.run_statement, name="run_statement"),
    path("omat/<int:pk>/", views.my_statement, name="my_statement"),
    path("ansaintarajat/", views.limit_list, name="limit_list"),
    path("ansaintarajat/<int:expert_pk>/", views.limit_edit, name="limit_edit"),
    path("ansaintarajat/<int:expert_pk>/poista/", views.limit_delete, name="limit_delete"),
]
