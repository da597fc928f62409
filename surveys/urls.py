"""The students' pages (`student_pages`), mounted at /s/ by backend.urls: short, to type."""

from django.urls import path

from . import student_pages

app_name = "students"

urlpatterns = [
    path("", student_pages.code_entry, name="code"),
    path("answer", student_pages.answer, name="answer"),
    path("<str:code>", student_pages.code_entry, name="code-link"),
]
