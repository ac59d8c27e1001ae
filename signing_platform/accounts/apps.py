from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "signing_platform.accounts"
    label = "accounts"
    verbose_name = "账号"
