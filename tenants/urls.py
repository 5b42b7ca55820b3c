from django.urls import path

from . import views, why

urlpatterns = [
    path("signin/", views.SignInView.as_view(), name="login"),
    path("signout/", views.SignOutView.as_view(), name="logout"),
    path("", views.overview, name="overview"),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/confirm/", views.profile_confirm, name="profile_confirm"),
    path("api-keys/", views.api_keys, name="api_keys"),
    path("why/", why.why_page, name="why"),
]
