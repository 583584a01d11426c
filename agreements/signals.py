"""What agreements tells the apps built on it. Agreements imports nothing above its floor
(tests/test_layers.py), so an app above that has something to say about an assignment connects
a receiver here in its AppConfig.ready()."""

from django.dispatch import Signal

# Sent by the assignment form after a save, with ``assignment``. Each receiver returns a list of
# warnings for the coordinator, never a refusal (payroll: experts near an earnings limit).
assignment_saved = Signal()
