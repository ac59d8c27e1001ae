"""Reads of employer units: the unit of a user, its current archive information."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from signing_platform.accounts.models import Role, User
from signing_platform.errors import NotFound, get_or_not_found

from .models import ArchiveInfo, AuthenticationRequest, AuthStatus, Contact, Region, RequestStatus, Unit, UnitMember


def unit_for_user(user) -> Unit | None:
    """The unit an active employer user belongs to, or None (not yet authenticated, or disabled)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        member = user.unit_member  # loaded with the user by the authentication backend
    except UnitMember.DoesNotExist:
        return None
    return member.unit if member.is_active else None


def current_archive_info(unit: Unit) -> ArchiveInfo | None:
    """The archive information in force: the latest row of the unit's history."""
    return ArchiveInfo.objects.filter(unit=unit).order_by("-created_at", "-id").first()


def latest_authentication_request(unit: Unit | None) -> AuthenticationRequest | None:
    """The unit's last 身份认证 submission (under review, or the last decision), or None."""
    if unit is None:
        return None
    return unit.authentication_requests.select_related("province", "city", "nature", "industry").first()


@dataclass(frozen=True)
class AuthenticationState:
    """What employer pages say about a unit's 身份认证, as booleans for the templates (never raw status strings)."""

    label: str  # 未认证 / 待审核 / 已认证 / 未通过, as the unit's badge shows it
    authenticated: bool  # 已认证: the unit may use online signing
    pending: bool  # a submission is under review (a first authentication or a re-authentication)
    rejected: bool  # the unit was never approved and its last submission was refused
    reason: str  # why the last submission was refused ("" otherwise)
    submitted: bool  # the unit has submitted at least once (so it has a status to show on 工作台)

    @property
    def badge(self) -> str:
        """The CSS modifier of the status badge."""
        if self.authenticated:
            return "badge-ok"
        if self.rejected:
            return "badge-bad"
        return "badge-warn" if self.pending else "badge-muted"


def authentication_state(unit: Unit | None, latest: AuthenticationRequest | None) -> AuthenticationState:
    """The 身份认证 state of `unit` given its latest request (latest_authentication_request)."""
    status = unit.auth_status if unit is not None else AuthStatus.UNAUTHENTICATED
    last_refused = latest is not None and latest.status == RequestStatus.REJECTED
    return AuthenticationState(
        label=AuthStatus(status).label,
        authenticated=status == AuthStatus.AUTHENTICATED,
        pending=latest is not None and latest.status == RequestStatus.PENDING,
        rejected=status == AuthStatus.REJECTED,
        reason=latest.reason if last_refused else "",
        submitted=status != AuthStatus.UNAUTHENTICATED,
    )


def unit_setup(unit: Unit) -> dict:
    """What a unit still lacks for signing: an active 签约联系人 (needed to invite) and 档案 information."""
    found = Unit.objects.filter(pk=unit.pk).values(
        contact=Exists(Contact.objects.filter(unit=OuterRef("pk"), is_active=True)),
        archive=Exists(ArchiveInfo.objects.filter(unit=OuterRef("pk"))),
    ).get()
    return {"missing_contact": not found["contact"], "missing_archive": not found["archive"]}


def archive_history(unit: Unit, *, limit: int = 10) -> list[ArchiveInfo]:
    return list(ArchiveInfo.objects.filter(unit=unit).select_related("created_by").order_by("-created_at", "-id")[:limit])


def unit_contacts(unit: Unit) -> list[Contact]:
    return list(Contact.objects.filter(unit=unit).order_by("-is_active", "id"))


def unit_members(unit: Unit) -> list[UnitMember]:
    return list(UnitMember.objects.filter(unit=unit).select_related("user").order_by("-is_admin", "created_at", "id"))


def cities_of(province_id) -> QuerySet[Region]:
    """The prefecture-level divisions of a province (none for no province, an unknown or a non-province id)."""
    if province_id is None:
        # parent_id=None would match the provinces themselves.
        return Region.objects.none()
    return Region.objects.filter(parent_id=province_id, parent__parent__isnull=True)


def provinces() -> QuerySet[Region]:
    return Region.objects.filter(parent__isnull=True)


def contact_for_unit(unit: Unit, contact_id) -> Contact:
    """A contact of this unit, or NotFound."""
    return get_or_not_found(Contact.objects.filter(unit=unit), pk=contact_id)


def member_for_unit(unit: Unit, member_id) -> UnitMember:
    """A member of this unit, or NotFound."""
    return get_or_not_found(UnitMember.objects.select_related("user").filter(unit=unit), pk=member_id)


def licence_request_for_user(user, request_id) -> AuthenticationRequest:
    """An authentication request whose licence `user` may see (a platform admin, or a user of that unit), or NotFound."""
    requests = AuthenticationRequest.objects.all()
    if not (user.is_authenticated and user.is_active and user.is_staff and user.has_perm("employers.view_authenticationrequest")):
        unit = unit_for_user(user)
        if unit is None:
            raise NotFound
        requests = requests.filter(unit=unit)
    return get_or_not_found(requests, pk=request_id)


def sub_account_awaiting_password(mobile: str, *, lock: bool = False) -> User | None:
    """The active sub-account of `mobile` that has not set a password yet, if any."""
    users = User.objects.filter(
        mobile=mobile, role=Role.EMPLOYER, is_active=True, unit_member__is_active=True, unit_member__is_admin=False
    )
    if lock:
        users = users.select_for_update()
    user = users.first()
    return user if user is not None and not user.has_usable_password() else None
