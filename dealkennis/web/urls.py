"""The site's own pages, feeds and sitemap (the apps' pages come from cards/urls.py and lessons/urls.py)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.generic import TemplateView

from dealkennis import security
from dealkennis.web import views
from dealkennis.web.feeds import NewItemsFeed, ProgrammeFeed
from dealkennis.web.sitemaps import SITEMAPS, robots_txt

urlpatterns = [
    path("", views.home, name="home"),
    path("programmas/", views.programme_list, name="programme-list"),
    path("programmas/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("programmas/<slug:programme>/<slug:slug>/", views.deal_detail, name="deal-detail"),
    path("leren/", views.learning, name="learning"),
    path(
        "toegankelijkheid/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("zoeken/", views.search, name="search"),
    path("feeds/nieuw/", NewItemsFeed(), name="feed-new"),
    path("feeds/programma/<slug:slug>/", ProgrammeFeed(), name="feed-programme"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path(".well-known/security.txt", security.security_txt, name="security-txt"),
    path("gezondheid/", security.health, name="health"),
    path("admin/aandacht/", views.needs_attention, name="needs-attention"),
]
