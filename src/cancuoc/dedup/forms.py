"""What the review page posts, checked at the edge."""

from django import forms

from cancuoc.lib.validators import refuse_unsafe_characters_multiline


class ReviewDecisionForm(forms.Form):
    """Merge the pair, or record them as two people; with a note, and the page to go back to."""

    MERGE, DISTINCT = "merge", "distinct"

    action = forms.ChoiceField(choices=[(MERGE, MERGE), (DISTINCT, DISTINCT)])
    note = forms.CharField(
        max_length=1000, required=False, validators=[refuse_unsafe_characters_multiline]
    )
    trang = forms.IntegerField(min_value=1, required=False)
