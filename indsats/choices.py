"""The fixed lists of the intervention domain (focus levels, the learning-plan themes, weekdays,
methods, the pedagogist's role in practice). Apart from the models, so that the agreement's content
object can use them without importing the models (indsats.models re-exports them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FocusLevel(models.TextChoices):
    CHILD = "barn", _("Child")
    CHILDREN_GROUP = "boernegruppe", _("Group of children")
    LEARNING_ENVIRONMENT = "laeringsmiljoe", _("Learning environment")
    STAFF = "personale", _("Pedagogical staff")
    LEADERSHIP = "ledelse", _("Pedagogical leadership")


class LearningTheme(models.TextChoices):
    PERSONAL = "personlig", _("Versatile personal development")
    SOCIAL = "social", _("Social development")
    LANGUAGE = "sprog", _("Communication and language")
    BODY = "krop", _("Body, senses and movement")
    NATURE = "natur", _("Nature, outdoor life and science")
    CULTURE = "kultur", _("Culture, aesthetics and community")


class Weekday(models.IntegerChoices):
    MONDAY = 0, pgettext_lazy("weekday", "Monday")
    TUESDAY = 1, pgettext_lazy("weekday", "Tuesday")
    WEDNESDAY = 2, pgettext_lazy("weekday", "Wednesday")
    THURSDAY = 3, pgettext_lazy("weekday", "Thursday")
    FRIDAY = 4, pgettext_lazy("weekday", "Friday")


class Method(models.TextChoices):
    CO_PRACTICE = "medpraktiserende", _("Co-practising pedagogy")
    OBSERVATION = "observation", _("Observation and feedback")
    ACTION_LEARNING = "aktionslaering", _("Action learning")
    LEADERSHIP_SPARRING = "ledelsessparring", _("Sparring with the leadership")
    TALKS = "oplaeg", _("Professional talks")
    SUPERVISION = "vejledning", _("Guidance and supervision")


class PracticeRole(models.TextChoices):
    FRONT = "front", _("In front")
    BESIDE = "beside", _("Beside")
    BEHIND = "behind", _("Behind")
