from django.conf import settings

from signing_platform.accounts.models import Role

# The menu of each role: (label, url name). Labels are the seed's.
MENUS = {
    Role.EMPLOYER: [("工作台", "employers:home")],
    Role.STUDENT: [("我的签约", "students:home")],
    Role.COLLEGE_REVIEWER: [("待审核", "schools:home")],
    Role.SCHOOL_REVIEWER: [("待审核", "schools:home")],
}


def platform(request):
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    return {"menu": MENUS.get(role, []), "show_outbox": settings.DEBUG}
