from signing_platform.demo import DEMO_PASSWORD

from .models import User

ADMIN_USERNAME = "admin"


def load() -> list[str]:
    if not User.objects.filter(username=ADMIN_USERNAME).exists():
        User.objects.create_superuser(ADMIN_USERNAME, password=DEMO_PASSWORD, name="平台管理员")
    return [f"平台管理员（Django admin /admin/）：用户名 {ADMIN_USERNAME}，密码 {DEMO_PASSWORD}"]
