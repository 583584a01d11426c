"""The printable commission agreement: one document for the coordinator and the expert."""

from django.http import HttpResponse

from agreements.models import Agreement
from kokemus.audit import record_view
from kokemus.pdf import pdf_response, render_pdf


def agreement_pdf_response(agreement: Agreement) -> HttpResponse:
    """The agreement as an A4 PDF in the active language; the view is recorded in the audit
    trail because the document holds the fee terms."""
    pdf = render_pdf("agreements/agreement_pdf.html", {"agreement": agreement})
    record_view(agreement)
    return pdf_response(pdf, f"sopimus-{agreement.number}.pdf")
