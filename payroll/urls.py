"""The coordinator's payroll pages (/palkkiot/); the expert reports through portal."""

from django.urls import path

from payroll import views

app_name = "payroll"

urlpatterns = [
    path("", views.approval_list, name="approval_list"),
    path("hyvaksy/", views.lines_approve, name="lines_approve"),
    path("rivit/<id:pk>/", views.line_detail, name="line_detail"),
    path("rivit/<id:pk>/palauta/", views.line_return, name="line_return"),
    path("rivit/<id:pk>/korjaa/", views.line_correct, name="line_correct"),
    path("rivit/<id:pk>/kuitti/", views.line_receipt, name="line_receipt"),
    path("raportoi/<id:participation_pk>/", views.report_for, name="report_for"),
    path("ajot/", views.run_list, name="run_list"),
    path("ajot/uusi/", views.run_create, name="run_create"),
    path("ajot/<id:pk>/", views.run_detail, name="run_detail"),
    path("ajot/<id:pk>/vie/", views.run_export, name="run_export"),
    path("ajot/<id:pk>/hylkaa/", views.run_discard, name="run_discard"),
    path("ajot/<id:pk>/palkkioajo.<str:file_format>", views.run_file, name="run_file"),
    path("ajot/<id:pk>/selvitys/<id:expert_pk>/", views.run_statement, name="run_statement"),
    path("omat/<id:pk>/", views.my_statement, name="my_statement"),
    path("ansaintarajat/", views.limit_list, name="limit_list"),
    path("ansaintarajat/<id:expert_pk>/", views.limit_edit, name="limit_edit"),
    path("ansaintarajat/<id:expert_pk>/poista/", views.limit_delete, name="limit_delete"),
]
