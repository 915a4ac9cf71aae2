from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File (CSV or Excel .xlsx)",
        error_messages={
            "required": "Choose a file to import.",
            "empty": "The file is empty.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    update_existing = forms.BooleanField(
        required=False,
        label="Update existing",
        help_text="Rows for codes (or days) already here update them. Otherwise they are refused.",
    )
    create_departments = forms.BooleanField(
        required=False,
        label="Create missing departments",
        help_text="Departments named in the file but not here yet are created.",
    )

    def __init__(self, *args, options: tuple[str, ...], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in ("update_existing", "create_departments"):
            if name not in options:
                del self.fields[name]
