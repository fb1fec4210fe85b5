from django.urls import include, path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("directory/", views.directory, name="directory"),
    path("directory/map/", views.province_map, name="map"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("people/", views.people, name="people"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("news/", views.news, name="news"),
    path("news/<slug:slug>/", views.news_detail, name="news-detail"),
    path("search/", views.search, name="search"),
    path("centers/", views.centers, name="centers"),
    path("calls/", include("innohub.programs.urls_portal")),
    path("c/<slug:center_slug>/", views.center_portal, name="center-portal"),
]
