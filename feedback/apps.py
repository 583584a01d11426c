from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """After a done assignment: the expert's own reflection and the contact professional's
    feedback through a private link (SPEC glossary "feedback")."""

    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from auditlog.registry import auditlog

        from agreements.signals import assignment_done, assignment_saved
        from feedback.models import Reflection
        from feedback.receivers import ask_after_done, ask_after_save

        # how it went may tell of the expert's health: the trail keeps that it changed, not what
        auditlog.register(Reflection, mask_fields=["how_it_went"])

        assignment_done.connect(ask_after_done, dispatch_uid="feedback-ask-after-done")
        assignment_saved.connect(ask_after_save, dispatch_uid="feedback-ask-after-save")
