from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views, views_confirm

app_name = "minkonto"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="minkonto/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="minkonto/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("welcome/<str:token>/", views.welcome, name="welcome"),
    path("confirm/send/", views_confirm.confirmation_resend, name="confirm_send"),
    path("confirm/<str:token>/", views_confirm.confirm, name="confirm"),
    path("users/", views.users, name="users"),
    path("users/<int:user_id>/role/", views.user_role, name="user_role"),
    path("users/<int:user_id>/remove/", views.user_delete, name="user_remove"),
    path("invitations/<int:invitation_id>/withdraw/", views.invitation_delete, name="invitation_withdraw"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("stop/", views.stop, name="stop"),
]
