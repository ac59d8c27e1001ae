"""What contracts keep of the roster when a school corrects it."""

from django.db.models import OuterRef, Subquery

from schools.models import Graduate

from ..models import Contract, Favorite


def student_names_changed(*, graduate_ids) -> None:
    """Copy the corrected names of these roster entries onto their contracts and favorites (the 学生姓名 filters read
    the copies); in the caller's transaction."""
    name = Subquery(Graduate.objects.filter(pk=OuterRef("graduate_id")).values("name")[:1])
    for model in (Contract, Favorite):
        model.objects.filter(graduate_id__in=graduate_ids).exclude(student_name=name).update(student_name=name)
