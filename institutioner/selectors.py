"""Reads of the organisation that views reuse. Every one takes the user and stays in scope."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from institutioner import access
from institutioner.links import detail_address
from institutioner.models import (
    Assignment,
    District,
    Group,
    Institution,
    Pedagogist,
    PedagogistTitle,
    User,
    format_decimal,
)


def title_count_text(title: str, count: int) -> str:
    """'3 læringsmiljøpædagoger', '1 indsatspædagog'."""
    if title == PedagogistTitle.INTERVENTION:
        text = ngettext(
            "%(count)d intervention pedagogist", "%(count)d intervention pedagogists", count
        )
    elif title == PedagogistTitle.LEARNING_ENVIRONMENT:
        text = ngettext(
            "%(count)d learning environment pedagogist",
            "%(count)d learning environment pedagogists",
            count,
        )
    else:
        text = ngettext(
            "%(count)d support and resource pedagogist",
            "%(count)d support and resource pedagogists",
            count,
        )
    return text % {"count": count}


@dataclass
class PedagogistInDistrict:
    id: int
    name: str
    title: str
    share: Decimal = Decimal("0")
    url: str = ""

    @property
    def share_text(self) -> str:
        """'50 % i distriktet', '42,5 % i distriktet': the share as the product writes numbers."""
        return _("%(share)s %% in the district") % {"share": format_decimal(self.share)}


@dataclass
class DistrictOverview:
    district: District
    institutions: list[Institution]
    pedagogists: list[PedagogistInDistrict] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = [
            ngettext("%(count)d institution", "%(count)d institutions", len(self.institutions))
            % {"count": len(self.institutions)}
        ]
        by_title: dict[str, int] = defaultdict(int)
        for pedagogist in self.pedagogists:
            by_title[pedagogist.title] += 1
        parts += [title_count_text(title, n) for title, n in sorted(by_title.items())]
        return ", ".join(parts)


def district_overviews(*, user: User, district_id: int | None = None) -> list[DistrictOverview]:
    """The administration's start page: each district, its institutions and pedagogists now,
    each with the address of its page (`url`).

    Three queries however many districts there are. `district_id` narrows it to one district.
    """
    districts = access.districts_for(user)
    if district_id is not None:
        districts = districts.filter(pk=district_id)
    districts = districts.prefetch_related(
        Prefetch(
            "institutions",
            # Only what the cards and the district page show: a large municipality has 400.
            queryset=Institution.objects.only(
                "id", "name", "district_id", "kind", "owner"
            ).order_by("name"),
        )
    )
    institution_url = detail_address("institution_detail")
    pedagogist_url = detail_address("pedagogist_detail")
    overviews = {}
    for d in districts:
        institutions = list(d.institutions.all())
        for institution in institutions:
            institution.url = institution_url(institution.pk)  # type: ignore[attr-defined]
        overviews[d.pk] = DistrictOverview(district=d, institutions=institutions)
    rows = (
        Assignment.objects.current()
        .filter(institution__district_id__in=overviews.keys())
        .values(
            "institution__district_id",
            "pedagogist_id",
            "pedagogist__user__name",
            "pedagogist__title",
        )
        .annotate(total_share=Sum("share"))
        .order_by("pedagogist__user__name")
    )
    for row in rows:
        overviews[row["institution__district_id"]].pedagogists.append(
            PedagogistInDistrict(
                id=row["pedagogist_id"],
                name=row["pedagogist__user__name"],
                title=row["pedagogist__title"],
                share=row["total_share"],
                url=pedagogist_url(row["pedagogist_id"]),
            )
        )
    return list(overviews.values())


def institutions_with_groups(*, user: User) -> QuerySet[Institution]:
    """A leader's (or staff member's) institutions with their groups and current pedagogists."""
    return access.institutions_for(user).prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name")),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.current().select_related("pedagogist__user"),
            to_attr="current_assignments",
        ),
    )


def assignments_of_pedagogist(*, user: User, pedagogist: Pedagogist) -> QuerySet[Assignment]:
    """Current and coming attachments of a pedagogist, limited to institutions the user sees."""
    return (
        Assignment.objects.not_ended()
        .filter(pedagogist=pedagogist, institution__in=access.institutions_for(user))
        .select_related("institution__district", "pedagogist")
        .prefetch_related(Prefetch("institution__groups", queryset=Group.objects.order_by("name")))
        .order_by("institution__name", "valid_from")
    )


def institution_leaders(*, institution: Institution) -> QuerySet[User]:
    return User.objects.leaders_of(institution)


def institution_assignments(*, institution: Institution) -> QuerySet[Assignment]:
    return (
        Assignment.objects.not_ended()
        .filter(institution=institution)
        .select_related("pedagogist__user")
        .order_by("valid_from")
    )


def administration_people() -> list[User]:
    """The active people of the administration role (who triage, and sign where that is asked)."""
    return list(User.objects.administration())
