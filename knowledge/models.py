from .glossary_models import GlossaryTerm  # noqa: F401
