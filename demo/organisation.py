"""The demo municipality `make run` loads: five districts modelled on the seeds' numbers.

Districts have 9, 4, 9, 6 and 7 institutions and 3, 1, 3, 1 and 1 pedagogists. All names are
fictional. The same run always builds the same municipality (a fixed random seed).
"""

import random
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from functools import cache

from django.contrib.auth.hashers import make_password

from institutioner.models import (
    AgeGroup,
    Assignment,
    AssignmentFunction,
    Competence,
    District,
    Group,
    IdentityGroup,
    Institution,
    InstitutionKind,
    InstitutionOwner,
    Membership,
    Pedagogist,
    PedagogistTitle,
    Role,
    User,
)

DEMO_PASSWORD = "demo-indsats-2026"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    note: str


DEMO_LOGINS = [
    DemoLogin("Forvaltning", "forvaltning@demo.dk", "Hanne Kjær", "hele kommunen, stamdata"),
    DemoLogin("Leder", "leder@demo.dk", "Mette Lund", "to institutioner i Ullerup Bæk"),
    DemoLogin(
        "Indsatspædagog", "paedagog@demo.dk", "Sofie Brandt", "læringsmiljøpædagog i Ullerup Bæk"
    ),
    DemoLogin(
        "Personale", "personale@demo.dk", "Jonas Holm", "personale i en institution i Ullerup Bæk"
    ),
    DemoLogin(
        "Småbørnskonsulent",
        "konsulent@demo.dk",
        "Birthe Juul",
        "visitation til kompenserende støtte og særlige pladser",
    ),
    DemoLogin(
        "Leder (andet distrikt)",
        "leder.nord@demo.dk",
        "Karen Vestergaard",
        "en institution i Nordstrand",
    ),
]

# name, institutions, pedagogist titles
DISTRICTS = [
    ("Ullerup Bæk", 9, [PedagogistTitle.LEARNING_ENVIRONMENT] * 3),
    ("Nordstrand", 4, [PedagogistTitle.INTERVENTION]),
    ("Skovhøj", 9, [PedagogistTitle.LEARNING_ENVIRONMENT] * 2 + [PedagogistTitle.SUPPORT_RESOURCE]),
    ("Engdalen", 6, [PedagogistTitle.INTERVENTION]),
    ("Søvang", 7, [PedagogistTitle.SUPPORT_RESOURCE]),
]

PREFIXES = [
    "Børnehuset",
    "Vuggestuen",
    "Børnehaven",
    "Dagtilbuddet",
    "Naturbørnehaven",
    "Børnegården",
]
PLACE_NAMES = [
    "Mariehønen",
    "Solsikken",
    "Egebakken",
    "Lærkereden",
    "Troldeskoven",
    "Kastanjen",
    "Bølgen",
    "Regnbuen",
    "Skovstjernen",
    "Humlebien",
    "Kløverengen",
    "Spiren",
    "Mosehuset",
    "Fyrtårnet",
    "Valmuen",
    "Stjerneskuddet",
    "Pilehytten",
    "Ravnereden",
    "Ellebo",
    "Hyldebærret",
    "Tusindfryd",
    "Engblommen",
    "Sneglehuset",
    "Græshoppen",
    "Birkely",
    "Anemonen",
    "Lyngbakken",
    "Firkløveret",
    "Hasselnødden",
    "Søstjernen",
    "Kildevang",
    "Rønnebærret",
    "Uglereden",
    "Bakkehuset",
    "Æblehaven",
]
GROUP_NAMES = ["Sommerfuglen", "Frøen", "Egernet", "Pindsvinet", "Bien", "Ræven", "Uglen", "Musen"]
FIRST_NAMES = [
    "Anne",
    "Louise",
    "Camilla",
    "Maria",
    "Lone",
    "Pia",
    "Rikke",
    "Tina",
    "Helle",
    "Dorthe",
    "Mads",
    "Peter",
    "Lars",
    "Thomas",
    "Jesper",
    "Anders",
    "Line",
    "Birgitte",
    "Susanne",
    "Trine",
]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Poulsen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Møller",
    "Mortensen",
]
PEDAGOGIST_NAMES = [
    "Sofie Brandt",
    "Rasmus Ebbesen",
    "Ida Krogh",
    "Birthe Falk",
    "Malene Winther",
    "Kasper Bach",
    "Nanna Riis",
    "Eva Dahl",
    "Henrik Juul",
]
COMPETENCES = [
    "Sprogvejledning",
    "Marte Meo",
    "Aktionslæring",
    "Inkluderende læringsmiljøer",
    "Motorik og bevægelse",
    "Relationskompetence",
    "Ledelsessparring",
]
KINDS = [
    InstitutionKind.INTEGRATED,
    InstitutionKind.INTEGRATED,
    InstitutionKind.KINDERGARTEN,
    InstitutionKind.NURSERY,
    InstitutionKind.CHILDMINDING,
]
OWNERS = [InstitutionOwner.MUNICIPAL] * 4 + [
    InstitutionOwner.SELF_GOVERNING,
    InstitutionOwner.PRIVATE,
]
CITIES = [
    ("4600", "Ullerup"),
    ("4621", "Nordstrand"),
    ("4632", "Skovhøj"),
    ("4640", "Engdalen"),
    ("4653", "Søvang"),
]


@cache
def _demo_password_hash() -> str:
    # Hashing is slow on purpose; the demo's people share one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def _user(email: str, name: str, role: str) -> User:
    user = User.objects.create_user(email=email, password=None, name=name, role=role)
    user.password = _demo_password_hash()
    user.save(update_fields=["password"])
    return user


def demo_organisation() -> None:
    """The districts, institutions, groups, people and attachments (demo.load runs it first)."""
    rng = random.Random(2026)  # noqa: S311 (demo names, not security)
    place_names = iter(PLACE_NAMES)
    pedagogist_names = iter(PEDAGOGIST_NAMES)
    competences = [Competence.objects.create(name=name) for name in COMPETENCES]
    season_start = date(2026, 8, 1)
    logins = {login.email: login for login in DEMO_LOGINS}

    _user(
        logins["forvaltning@demo.dk"].email, logins["forvaltning@demo.dk"].name, Role.ADMINISTRATION
    )
    _user(logins["konsulent@demo.dk"].email, logins["konsulent@demo.dk"].name, Role.CONSULTANT)
    for district_index, (district_name, n_institutions, titles) in enumerate(DISTRICTS):
        district = District.objects.create(name=district_name)
        postal_code, city = CITIES[district_index]
        institutions = []
        for i in range(n_institutions):
            kind = KINDS[(i + district_index) % len(KINDS)]
            place = next(place_names)
            prefix = "Dagplejen" if kind == InstitutionKind.CHILDMINDING else rng.choice(PREFIXES)
            institution = Institution.objects.create(
                name=f"{prefix} {place}",
                kind=kind,
                owner=OWNERS[(i * 3 + district_index) % len(OWNERS)],
                district=district,
                street=f"{place.rstrip('n').rstrip('e')}vej {rng.randint(1, 80)}",
                postal_code=postal_code,
                city=city,
                opens_at=time(6, 30),
                closes_at=time(16, 30) if i % 3 else time(17, 0),
            )
            age_groups = {
                InstitutionKind.NURSERY: [AgeGroup.NURSERY],
                InstitutionKind.KINDERGARTEN: [AgeGroup.KINDERGARTEN],
                InstitutionKind.INTEGRATED: [AgeGroup.NURSERY, AgeGroup.KINDERGARTEN],
                InstitutionKind.CHILDMINDING: [AgeGroup.NURSERY],
            }[kind]
            for g, group_name in enumerate(rng.sample(GROUP_NAMES, rng.randint(2, 4))):
                Group.objects.create(
                    institution=institution,
                    name=group_name,
                    age_group=age_groups[g % len(age_groups)],
                )
            institutions.append(institution)

        # Every institution has a leader; the first demo leader leads two in Ullerup Bæk.
        for i, institution in enumerate(institutions):
            if district_index == 0 and i in (0, 1):
                email, name = "leder@demo.dk", logins["leder@demo.dk"].name
            elif district_index == 1 and i == 0:
                email, name = "leder.nord@demo.dk", logins["leder.nord@demo.dk"].name
            else:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                email = f"leder.{district_index + 1}.{i + 1}@demo.dk"
            leader = User.objects.filter(email=email).first() or _user(email, name, Role.LEADER)
            Membership.objects.create(user=leader, institution=institution)
        if district_index == 0:
            staff = _user("personale@demo.dk", logins["personale@demo.dk"].name, Role.STAFF)
            Membership.objects.create(user=staff, institution=institutions[0])

        # Each pedagogist takes a fair slice of the district's institutions.
        for p, title in enumerate(titles):
            name = next(pedagogist_names)
            email = (
                "paedagog@demo.dk"
                if name == "Sofie Brandt"
                else (
                    name.lower()
                    .replace(" ", ".")
                    .replace("ø", "oe")
                    .replace("æ", "ae")
                    .replace("å", "aa")
                    + "@demo.dk"
                )
            )
            user = _user(email, name, Role.PEDAGOGIST)
            pedagogist = Pedagogist.objects.create(
                user=user, title=title, weekly_hours=Decimal("37")
            )
            pedagogist.competences.set(rng.sample(competences, 2))
            mine = institutions[p :: len(titles)]
            share = min(Decimal("30"), (Decimal("100") / len(mine)).quantize(Decimal("1")))
            while share * len(mine) > 100:
                share -= 1
            for institution in mine:
                Assignment.objects.create(
                    pedagogist=pedagogist,
                    institution=institution,
                    function=AssignmentFunction.SUPPORT
                    if title == PedagogistTitle.SUPPORT_RESOURCE
                    else AssignmentFunction.RESOURCE,
                    share=share,
                    valid_from=season_start,
                )
    _demo_identity_groups()


def _demo_identity_groups() -> None:
    """Examples in Stamdata's *Grupper hos identitetsudbyderen* for a municipality that turns on
    OpenID Connect or SAML (the demo itself logs in with passwords)."""
    IdentityGroup.objects.create(name="indsats-forvaltning", role=Role.ADMINISTRATION)
    IdentityGroup.objects.create(name="indsats-paedagoger", role=Role.PEDAGOGIST)
    demo_leader = User.objects.get(email="leder@demo.dk")
    leaders = IdentityGroup.objects.create(name="indsats-ledere-mette-lund", role=Role.LEADER)
    leaders.institutions.set(demo_leader.institutions.all())
    # Fælleskommunal Adgangsstyring (SAML): a job-function role, and the same role with a data
    # scope (the organisation unit's id in the privilege list) for one of her institutions.
    kombit_role = "http://kombit.dk/roles/jobrole/indsats-forvaltning/1"
    IdentityGroup.objects.create(name=kombit_role, role=Role.ADMINISTRATION)
    scoped = IdentityGroup.objects.create(
        name="http://kombit.dk/roles/jobrole/indsats-leder/1|demo-orgenhed-1", role=Role.LEADER
    )
    scoped.institutions.set(demo_leader.institutions.all()[:1])
