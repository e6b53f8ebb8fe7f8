"""Every platform email is a template triple rendered by this one helper:
`<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def render_email(template_prefix: str, context: dict) -> tuple[str, str, str]:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    text = render_to_string(f"{template_prefix}.txt", context)
    html = render_to_string(f"{template_prefix}.html", context)
    return subject, text, html


def send_templated_email(*, template_prefix: str, to: list[str], context: dict) -> None:
    subject, text, html = render_email(template_prefix, context)
    message = EmailMultiAlternatives(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, text, settings.DEFAULT_FROM_EMAIL, to
    )
    message.attach_alternative(html, "text/html")
    message.send()


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path
