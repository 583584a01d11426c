"""What agreements tells the apps built on it. Agreements imports nothing above its floor
(tests/test_layers.py), so an app above that has something to say about an assignment connects
a receiver here in its AppConfig.ready()."""

from django.dispatch import Signal

# Sent by the assignment form after a save, with ``assignment``. Each receiver returns a list of
# warnings for the coordinator, never a refusal (payroll: experts near an earnings limit).
assignment_saved = Signal()

# Sent by agreements.services.assignment_set_status inside its transaction when an assignment
# becomes done, with ``assignment``: what a receiver records is kept with the change or not at
# all (feedback: the experts' reflections and the contact professional's link are asked for).
assignment_done = Signal()
