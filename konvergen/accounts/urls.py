from django.urls import path

from konvergen.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    # One's own account: password and two-factor sign-in.
    path("", views.account, name="account"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(),
         name="password-change-done"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(),
         name="password-reset-done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password-reset-confirm"),
    path("password-reset/complete/", views.PasswordResetCompleteView.as_view(),
         name="password-reset-complete"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("two-factor/", views.totp_enrol, name="totp-enrol"),
    path("two-factor/disable/", views.totp_disable, name="totp-disable"),
    path("two-factor/verify/", views.totp_verify, name="totp-verify"),
    # The secretariat's (and administrators') user management.
    path("users/", views.user_list, name="users"),
    path("users/invite/", views.user_invite, name="user-invite"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
]
