"""A plain guide per program: who it is for, what it pays here, what to bring, how long, appeal.

What it pays is read from the parameters in force for the chosen county and month (the same
`live_parameters()` the rules and casework use), so a guide never shows a figure the office
has changed.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huimin.core.regions import full_code
from huimin.programs.parameters import live_parameters
from huimin.rules import ParameterNotFound
from huimin.rules.periods import parse_period
from huimin.rules.wording import is_example, parameter_value_words, parameter_words


@dataclass(frozen=True)
class ProgramGuide:
    slug: str
    title: Promise
    who: Promise
    bring: Promise
    how_long: Promise
    pays: tuple[str, ...]  # parameter names whose values in force the guide shows


ID_AND_HOUSEHOLD = _(
    "Your identity card and household register (户口簿) and those of everyone living with you."
)

GUIDES: tuple[ProgramGuide, ...] = (
    ProgramGuide(
        "dibao",
        _("Minimum living allowance"),
        _(
            "Families whose income per person is below the local standard and who have few "
            "savings or belongings. The allowance tops the income up to the standard."
        ),
        _(
            "Identity cards and household register; proof of income of the last months; bank "
            "book; a signed consent for the office to check income and assets."
        ),
        _(
            "About 30 working days from the application to the decision (up to 45 in difficult "
            "cases). Payment starts the month after approval."
        ),
        ("dibao.standard.urban", "dibao.standard.rural"),
    ),
    ProgramGuide(
        "tekun",
        _("Support for the extremely poor"),
        _(
            "People aged 60 or more, disabled people and children under 16 who cannot work, have "
            "no income to live on, and have nobody who can support them."
        ),
        ID_AND_HOUSEHOLD,
        _("About 30 working days from the application to the decision."),
        ("tekun.basic_living_ratio", "tekun.care.dispersed.none", "tekun.care.dispersed.partial"),
    ),
    ProgramGuide(
        "temporary",
        _("Temporary assistance"),
        _(
            "Families hit by a sudden emergency (fire, accident, serious illness) or by an "
            "expense they cannot bear. In an emergency the township can help first and check later."
        ),
        _("Identity card; bills or proof of the expense or of what happened."),
        _("Usually within 15 working days; in an emergency, at once."),
        ("temporary.cap_multiple",),
    ),
    ProgramGuide(
        "disability_living",
        _("Living subsidy for disabled people"),
        _("Disabled people with a disability certificate in families on the minimum allowance."),
        _("Identity card and the disability certificate (残疾人证)."),
        _("About 20 working days; paid monthly."),
        ("disability.living.severe_fen", "disability.living.moderate_fen"),
    ),
    ProgramGuide(
        "disability_care",
        _("Care subsidy for severely disabled people"),
        _("People with a grade 1 or 2 disability certificate who need care for a long time."),
        _("Identity card and the disability certificate (残疾人证)."),
        _("About 20 working days; paid monthly."),
        ("disability.care.fen",),
    ),
    ProgramGuide(
        "orphan",
        _("Orphans and children without support"),
        _(
            "Children under 18 whose parents have died, or whose parents cannot look after them "
            "(severely disabled, seriously ill, in prison, missing)."
        ),
        _(
            "The child's household register; death certificates or proof of the parents' "
            "situation (disability certificate, court or prison papers, police report)."
        ),
        _("About 30 working days; paid monthly until the child is 18."),
        ("children.orphan.dispersed_fen", "children.orphan.institutional_fen"),
    ),
    ProgramGuide(
        "old_age",
        _("Old-age allowance"),
        _("People aged 80 or more with their household register here."),
        _("Identity card and household register."),
        _("About 20 working days; paid monthly."),
        ("old_age.band_80_fen", "old_age.band_90_fen", "old_age.band_100_fen"),
    ),
    ProgramGuide(
        "disaster",
        _("Disaster relief"),
        _(
            "Families hit by a natural disaster: food and shelter at once, then help with "
            "resettlement, rebuilding a destroyed home and getting through the winter."
        ),
        _("Identity card; the village committee reports the damage with you."),
        _("Emergency help at once; help with rebuilding after the village has appraised it."),
        ("disaster.transitional_per_person_day_fen", "disaster.reconstruction_fen"),
    ),
)
BY_SLUG = {guide.slug: guide for guide in GUIDES}

APPEAL = _(
    "If you disagree with a decision, the letter says why. You may ask the county government to "
    "look at it again (administrative reconsideration) within 60 days of receiving it, or go to "
    "court within 6 months. Asking costs nothing and does not count against you."
)


@dataclass(frozen=True)
class Figure:
    name: str  # the parameter in words
    value: str  # its value in force, in words
    example: bool  # a shipped example the office has not yet replaced


def figures_in_force(guide: ProgramGuide, *, county: str, period: str, lang: str) -> list[Figure]:
    """The values of the guide's parameters in force in the county for the month."""
    parameters = live_parameters()
    month = parse_period(period)
    code = full_code(county)
    shown = []
    for name in guide.pays:
        try:
            record = parameters.resolve_winner(name, code, month)
        except ParameterNotFound:
            continue
        unit = parameters.definitions[name].unit
        shown.append(
            Figure(
                name=parameter_words(name, lang),
                value=parameter_value_words(record.value, unit, lang),
                example=is_example(record.source),
            )
        )
    return shown
