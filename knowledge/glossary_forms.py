from django import forms

from .glossary_models import GlossaryTerm


class GlossaryTermForm(forms.ModelForm):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "definition"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 6})}
