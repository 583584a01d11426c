"""feedback's answers to the signals of agreements (connected in FeedbackConfig.ready)."""

from feedback.services import ask_for_feedback


def ask_after_done(sender, assignment, **kwargs) -> None:
    """agreements.signals.assignment_done: ask the experts and the contact professional."""
    ask_for_feedback(assignment=assignment)


def ask_after_save(sender, assignment, **kwargs) -> list[str]:
    """agreements.signals.assignment_saved: a done assignment edited may have gained an expert
    or a contact professional, who are asked now; nobody is asked twice. No warnings."""
    ask_for_feedback(assignment=assignment)
    return []
