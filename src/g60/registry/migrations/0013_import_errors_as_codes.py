"""Import row errors as data, and a limit on the business scope.

1. A row error was stored as the rule's text in the language the import ran in, and stayed in that language
   for every later reader. It is now a rule code and its parameters (g60/registry/import_rules.py), rendered
   in the reader's language. The old text column is kept as `rule_text`: every text the import wrote (each
   rule's message in English or Chinese, as below) becomes its code and parameters, so older errors are read
   in either language too; any other text stays and is shown as it was written. Backwards, codes are written
   out in English.
2. Enterprise.business_scope: at most 2,000 characters (models.BUSINESS_SCOPE_MAX_LENGTH). A text column
   keeps no length in the database, so this changes the model's state only (an AlterField would rebuild the
   register's table on SQLite, with its full-text triggers).
"""

import re

import django.core.validators
from django.db import migrations, models

# The messages the import wrote until this migration, in English and in Chinese, by the code that replaces them.
# Frozen here: the catalogue may be reworded later, the stored texts are not.
TEXTS = {
    "uscc_length": ("A Unified Social Credit Code has 18 characters.", "统一社会信用代码应为 18 位。"),
    "uscc_characters": (
        "A Unified Social Credit Code uses only digits and the capital letters except I, O, S, V and Z.",
        "统一社会信用代码只能使用数字和除 I、O、S、V、Z 以外的大写字母。",
    ),
    "uscc_division": (
        "Characters 3 to 8 of a Unified Social Credit Code are the six-digit division code.",
        "统一社会信用代码第 3 至 8 位应为六位行政区划代码。",
    ),
    "uscc_organisation_check": (
        "The organisation code inside the Unified Social Credit Code (characters 9 to 17) fails its check.",
        "统一社会信用代码中的组织机构代码（第 9 至 17 位）校验不通过。",
    ),
    "uscc_check_character": (
        "The check character (the 18th) of the Unified Social Credit Code is wrong.",
        "统一社会信用代码的校验码（第 18 位）不正确。",
    ),
    "required": ("This column must not be empty.", "此列不能为空。"),
    "null_character": ("Null characters are not allowed.", "不能包含空字符（NUL）。"),
    "city_code": (
        "The division code of one of the nine corridor cities (GB/T 2260), e.g. 310117.",
        "须为走廊九城之一的行政区划代码（GB/T 2260），例如 310117。",
    ),
    "date_future": ("The establishment date cannot be in the future.", "成立日期不能晚于今天。"),
    "date_iso": ("An ISO date, YYYY-MM-DD.", "须为 ISO 日期格式 YYYY-MM-DD。"),
    "capital_non_negative": ("A non-negative decimal number (10,000 yuan).", "须为非负数（单位：万元）。"),
    "capital_digits": (
        "At most 14 digits before and 4 after the decimal point.",
        "整数部分最多 14 位，小数部分最多 4 位。",
    ),
    "industry_format": (
        "An industry class is a section letter A-T and four digits, e.g. C3973 (GB/T 4754).",
        "行业小类代码由门类字母 A-T 和四位数字组成，例如 C3973（GB/T 4754）。",
    ),
    "industry_section": (
        "The division (first two digits) of the industry class does not belong to its section letter.",
        "行业代码的大类（前两位数字）不属于其门类字母。",
    ),
}
# The messages with a parameter: the code, its English template, and the patterns of both languages.
PATTERNS = [
    ("max_length", "At most %(limit)d characters.", [r"At most (?P<limit>\d+) characters\.", r"最多 (?P<limit>\d+) 个字符。"]),
    ("choice", "One of: %(choices)s.", [r"One of: (?P<choices>.+)\.", r"取值须为：(?P<choices>.+)。"]),
]
CODE_OF_TEXT = {text: code for code, texts in TEXTS.items() for text in texts}


def _recognised(text):
    """(code, params) for a text the import wrote, or None."""
    if text in CODE_OF_TEXT:
        return CODE_OF_TEXT[text], {}
    for code, _template, patterns in PATTERNS:
        for pattern in patterns:
            match = re.fullmatch(pattern, text, flags=re.DOTALL)
            if match:
                params = match.groupdict()
                if "limit" in params:
                    params["limit"] = int(params["limit"])
                return code, params
    return None


def texts_to_codes(apps, schema_editor):
    ImportRowError = apps.get_model("registry", "ImportRowError")
    # A few distinct texts however many errors: one UPDATE per text.
    texts = list(ImportRowError.objects.filter(code="").order_by().values_list("rule_text", flat=True).distinct())
    for text in texts:
        found = _recognised(text)
        if found is not None:
            code, params = found
            ImportRowError.objects.filter(code="", rule_text=text).update(code=code, params=params, rule_text="")


def codes_to_texts(apps, schema_editor):
    ImportRowError = apps.get_model("registry", "ImportRowError")
    templates = {code: texts[0] for code, texts in TEXTS.items()}
    templates.update({code: template for code, template, _patterns in PATTERNS})
    batch = []
    for error in ImportRowError.objects.exclude(code="").order_by().iterator(chunk_size=2000):
        template = templates.get(error.code)
        try:
            error.rule_text = template % error.params if error.params else template
        except (TypeError, KeyError, ValueError):
            error.rule_text = None
        if not error.rule_text:  # a code this migration does not know
            error.rule_text = f"{error.code} {error.params}" if error.params else error.code
        batch.append(error)
        if len(batch) >= 2000:
            ImportRowError.objects.bulk_update(batch, ["rule_text"])
            batch = []
    if batch:
        ImportRowError.objects.bulk_update(batch, ["rule_text"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_postgres_uscc_public")]

    operations = [
        migrations.RenameField(model_name="importrowerror", old_name="rule", new_name="rule_text"),
        migrations.AlterField(
            model_name="importrowerror",
            name="rule_text",
            field=models.TextField(blank=True, verbose_name="rule as recorded by an older import"),
        ),
        migrations.AddField(
            model_name="importrowerror",
            name="code",
            field=models.CharField(blank=True, max_length=64, verbose_name="rule code"),
        ),
        migrations.AddField(
            model_name="importrowerror",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="rule parameters"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enterprise",
                    name="business_scope",
                    field=models.TextField(
                        blank=True,
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="business scope",
                    ),
                ),
            ],
        ),
        migrations.RunPython(texts_to_codes, codes_to_texts),
    ]
