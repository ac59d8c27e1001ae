"""学生收藏夹: adding a roster entry the unit found, and removing it while nothing is open with that student."""

from django.db import transaction
from django.utils import timezone

from schools.models import Graduate
from signing_platform.accounts import audit
from signing_platform.errors import NotFound

from .. import counters, rules
from ..models import Contract, Favorite
from .mechanics import ContractError, member_unit_id, require_authenticated_unit


def favorite_add(*, actor, graduate: Graduate) -> tuple[Favorite, bool]:
    """Keep a roster entry the unit found in its favorites; adding it twice keeps the first. Returns (favorite, new)."""
    unit_id = member_unit_id(actor)
    if unit_id is None:
        raise NotFound
    require_authenticated_unit(unit_id)
    with transaction.atomic():
        favorite, created = Favorite.objects.get_or_create(
            unit_id=unit_id, graduate=graduate, defaults={"added_by": actor, "student_name": graduate.name}
        )
        if created:
            counters.record_favorite(unit_id=unit_id, graduate_id=graduate.pk, delta=1)
            audit.record(actor=actor, action="favorite.add", target=favorite, graduate=graduate.pk)
    return favorite, created


def favorite_remove(*, actor, favorite: Favorite) -> Favorite:
    """Drop a favorite, unless this unit has an invitation or agreement with that student still open."""
    unit_id = member_unit_id(actor)
    with transaction.atomic():
        favorite = Favorite.objects.select_related("graduate").filter(pk=favorite.pk, unit_id=unit_id).first()
        if unit_id is None or favorite is None:
            raise NotFound
        Graduate.objects.select_for_update(no_key=True).get(pk=favorite.graduate_id)
        has_open = Contract.objects.filter(unit_id=unit_id, graduate_id=favorite.graduate_id).filter(
            rules.open_q(timezone.now())
        ).exists()
        if not rules.can_remove_favorite(has_open_contract=has_open):
            raise ContractError("该学生有进行中的签约邀请或协议，不能移出收藏夹")
        audit.record(actor=actor, action="favorite.remove", target=favorite, graduate=favorite.graduate_id)
        if Favorite.objects.filter(pk=favorite.pk).delete()[0]:
            counters.record_favorite(unit_id=unit_id, graduate_id=favorite.graduate_id, delta=-1)
    return favorite
