from django.urls import path

from . import absent, quality_views, report_files, views, worklist_views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("don-vi/<str:code>/", views.unit_page, name="unit"),
    path("don-vi/<str:code>/danh-sach/", worklist_views.worklist_view, name="worklist"),
    path(
        "don-vi/<str:code>/danh-sach.xlsx",
        worklist_views.worklist_download,
        name="worklist-download",
    ),
    path("co-quan/<str:code>/", views.institution_page, name="institution"),
    path("nguoi/<int:pk>/so-dinh-danh/", views.reveal_id, name="reveal-id"),
    path("don-vi/<str:code>/kho-khan/", views.obstacle_raise_view, name="obstacle-raise"),
    path("don-vi/<str:code>/bao-cao-tuan/", views.weekly_report, name="weekly"),
    path("don-vi/<str:code>/bao-cao-tuan/<int:pk>/", report_files.weekly_file, name="weekly-file"),
    path("don-vi/<str:code>/vang-mat/", absent.absent_page, name="absent"),
    path(
        "don-vi/<str:code>/vang-mat/ban-giao/",
        absent.handover_request_view,
        name="handover-request",
    ),
    path("ban-giao/<int:pk>/", absent.handover_decide, name="handover-decide"),
    path("don-vi/<str:code>/chat-luong/", quality_views.quality_page, name="quality"),
]
